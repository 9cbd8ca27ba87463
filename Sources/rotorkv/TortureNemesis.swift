import Foundation
import RotorClient
import RotorModel
import RotorTorture

/// The faults `rotorkv torture` injects.
enum NemesisKind: String, CaseIterable, Sendable {
    /// kill -9 a replica (the leader or a random one), then restart it.
    case kill
    /// SIGSTOP a replica, then SIGCONT.
    case pause
    /// Cut one replica off from the others, symmetric or one-way: blackhole
    /// routes in per-replica network namespaces when running as root with
    /// iproute2, else the fault-injection RPC (`[testing] allow_fault_injection`
    /// and the cluster secret).
    case partition
}

/// Injects one fault at a time on a schedule, each healed before the next,
/// and records every step in the history as a `"process":"nemesis"` event.
final class TortureNemesis: @unchecked Sendable {
    private let cluster: TortureCluster
    private let kinds: [NemesisKind]
    private let interval: Duration
    private let history: HistoryWriter
    private let clock: TortureClock
    private var random: SplitMix64
    private let lock = NSLock()
    private var injected = 0
    private var current: String?

    init(cluster: TortureCluster, kinds: [NemesisKind], interval: Duration, seed: UInt64, history: HistoryWriter, clock: TortureClock) {
        self.cluster = cluster
        self.kinds = kinds
        self.interval = interval
        self.random = SplitMix64(seed: seed ^ 0x6E65_6D65_7369_7300)
        self.history = history
        self.clock = clock
    }

    var faultsInjected: Int { lock.withLock { injected } }
    /// The fault in force now, for the progress line.
    var activeFault: String? { lock.withLock { current } }

    /// One fault per interval until `deadline`: it starts a random moment into
    /// the interval and lasts 30–60% of it, so every fault heals before the next.
    func run(until deadline: ContinuousClock.Instant) async {
        guard !kinds.isEmpty else { return }
        while ContinuousClock.now + interval <= deadline {
            let quiet = interval * (Double(random.below(30)) / 100)
            let lasting = interval * (Double(30 + random.below(31)) / 100)
            try? await Task.sleep(for: quiet)
            await inject(kinds[random.below(kinds.count)], lasting: lasting)
            try? await Task.sleep(for: interval - quiet - lasting)
        }
    }

    private func inject(_ kind: NemesisKind, lasting: Duration) async {
        lock.withLock { injected += 1 }
        switch kind {
        case .kill:
            let victim = await pickVictim()
            note(.kill, "replica \(victim)")
            await cluster.kill(victim)
            try? await Task.sleep(for: lasting)
            try? await cluster.start(victim)
            note(.restart, "replica \(victim)")
        case .pause:
            let victim = await pickVictim()
            note(.pause, "replica \(victim)")
            cluster.pause(victim)
            try? await Task.sleep(for: lasting)
            cluster.resume(victim)
            note(.resume, "replica \(victim)")
        case .partition:
            let victim = await pickVictim()
            let others = (0..<3).filter { $0 != victim }
            let oneWay = random.below(100) < 30
            note(.partition, oneWay ? "drop traffic from [\(victim)] to \(others) (one-way)" : "isolate [\(victim)] from \(others)")
            await partition(victim, from: others, oneWay: oneWay)
            try? await Task.sleep(for: lasting)
            await healPartitions()
            note(.heal, "partition healed")
        }
        lock.withLock { current = nil }
    }

    /// Half the time the leader (the most interesting victim), else anyone.
    private func pickVictim() async -> Int {
        if random.below(2) == 0, let leader = await cluster.leader() { return leader }
        return random.below(3)
    }

    /// One-way: the victim's messages to the others are lost; the others' reach it.
    private func partition(_ victim: Int, from others: [Int], oneWay: Bool) async {
        if let network = cluster.network {
            try? network.blackhole(from: victim, to: others)
            if !oneWay { for other in others { try? network.blackhole(from: other, to: [victim]) } }
            return
        }
        await setRule(on: victim, dropTo: others, dropFrom: oneWay ? [] : others)
        for other in others {
            await setRule(on: other, dropTo: oneWay ? [] : [victim], dropFrom: [victim])
        }
    }

    /// Heals every partition (an empty rule on every replica). Best effort: a replica that is down has none.
    func healPartitions() async {
        if let network = cluster.network {
            network.heal()
            return
        }
        for replica in 0..<3 { await setRule(on: replica, dropTo: [], dropFrom: []) }
    }

    private func setRule(on replica: Int, dropTo: [Int], dropFrom: [Int]) async {
        let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [cluster.endpoints[replica]], defaultTimeout: .seconds(2)))
        for _ in 0..<3 {
            if (try? await client.injectFault(dropTo: dropTo, dropFrom: dropFrom,
                                              clusterSecret: cluster.secret, at: cluster.endpoints[replica], timeout: .seconds(2))) != nil { break }
        }
        await client.shutdown()
    }

    private func note(_ f: HistoryFunction, _ description: String) {
        lock.withLock { current = "\(f.rawValue) \(description)" }
        history.append(HistoryEvent.nemesis(f, description, time: clock.now()))
    }
}

extension TortureCluster {
    /// The replica that reports itself leader, if one does.
    func leader() async -> Int? {
        for replica in running.sorted() where !pausedReplicas.contains(replica) {
            let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [endpoints[replica]], defaultTimeout: .milliseconds(300)))
            let status = try? await client.status(timeout: .milliseconds(300))
            await client.shutdown()
            if status?.role == .leader { return replica }
        }
        return nil
    }
}
