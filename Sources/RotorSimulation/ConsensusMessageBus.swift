import RotorConsensus

/// A message on the simulated network.
struct ConsensusEnvelope {
    var from: Int
    var to: Int
    var message: ConsensusMessage
    /// The sender's cluster id when it sent the message, as the wire stamps it.
    var cluster: ClusterID = 0
}

/// The in-memory network between replicas, with the faults a real one has:
/// loss, duplication, delay and reordering, slow links, and symmetric or
/// one-way partitions. Every decision comes from the simulation's seeded
/// random source.
public struct ConsensusMessageBus: Sendable {
    public var dropProbability = 0.0
    public var duplicateProbability = 0.0
    /// Normal one-way latency range, in nanoseconds.
    public var latency: ClosedRange<Int64> = VirtualTime.milliseconds(1)...VirtualTime.milliseconds(4)
    /// Chance that a message is held back long enough to arrive after later ones.
    public var reorderProbability = 0.0
    /// Directed links that deliver nothing (from, to).
    public private(set) var blocked: Set<Link> = []
    /// Extra latency for every message to or from a slow replica.
    public var slowness: [Int: Int64] = [:]

    public struct Link: Hashable, Sendable {
        public var from: Int
        public var to: Int
    }

    public init() {}

    /// When (if ever) each copy of a message sent now arrives.
    mutating func deliveries(from: Int, to: Int, now: Int64, random: inout SimulationRandom) -> [Int64] {
        if blocked.contains(Link(from: from, to: to)) || random.chance(dropProbability) { return [] }
        var arrivals = [now + delay(from: from, to: to, random: &random)]
        if random.chance(duplicateProbability) { arrivals.append(now + delay(from: from, to: to, random: &random)) }
        return arrivals
    }

    private func delay(from: Int, to: Int, random: inout SimulationRandom) -> Int64 {
        var delay = random.between(latency)
        if random.chance(reorderProbability) { delay += random.between(VirtualTime.milliseconds(5)...VirtualTime.milliseconds(60)) }
        return delay + (slowness[from] ?? 0) + (slowness[to] ?? 0)
    }

    /// The links that cut `group` off from everyone else, both ways.
    public static func isolating(_ group: Set<Int>, among replicas: Int) -> Set<Link> {
        var links: Set<Link> = []
        for inside in group {
            for outside in 0..<replicas where !group.contains(outside) {
                links.insert(Link(from: inside, to: outside))
                links.insert(Link(from: outside, to: inside))
            }
        }
        return links
    }

    /// Replaces the set of cut links (the union of the active partitions).
    public mutating func setBlocked(_ links: Set<Link>) {
        blocked = links
    }

    /// Restores every link and ends every fault.
    public mutating func heal() {
        blocked = []
        slowness = [:]
        dropProbability = 0
        duplicateProbability = 0
        reorderProbability = 0
    }

    public func canReach(_ from: Int, _ to: Int) -> Bool { !blocked.contains(Link(from: from, to: to)) }
}
