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
    /// kill -9 a replica (the leader or a random one), delete its data
    /// directory, restart it: it rebuilds through the recovery protocol.
    case wipe
}

/// How a partition cuts its victim off.
enum PartitionShape: CaseIterable, Sendable {
    /// Nothing goes either way between the victim and the others.
    case isolated
    /// The victim's messages to the others are lost; theirs reach it.
    case cannotSend
    /// The others' messages to the victim (the leader, when there is one) are
    /// lost; its own reach them: a leader that sends but cannot hear.
    case cannotHear
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
            await injectPartition(lasting: lasting)
        case .wipe:
            await injectWipe(lasting: lasting)
        }
        lock.withLock { current = nil }
    }

    /// Half the cuts isolate the victim; a quarter stop what it sends; a
    /// quarter stop what the leader hears (it goes on sending).
    private func injectPartition(lasting: Duration) async {
        let roll = random.below(4)
        let shape: PartitionShape = roll < 2 ? .isolated : roll == 2 ? .cannotSend : .cannotHear
        let victim = shape == .cannotHear ? (await cluster.leader() ?? random.below(3)) : await pickVictim()
        let others = (0..<3).filter { $0 != victim }
        switch shape {
        case .isolated: note(.partition, "isolate [\(victim)] from \(others)")
        case .cannotSend: note(.partition, "drop traffic from [\(victim)] to \(others) (one-way)")
        case .cannotHear: note(.partition, "drop traffic from \(others) to [\(victim)] (one-way: it sends but cannot hear)")
        }
        await partition(victim, from: others, shape: shape)
        try? await Task.sleep(for: lasting)
        await healPartitions()
        note(.heal, "partition healed")
    }

    /// Only while no replica is recovering: two lost disks would be a lost majority.
    private func injectWipe(lasting: Duration) async {
        // Skipped (nothing recorded) if one still is.
        guard await cluster.waitUntilNoneRecovering(within: lasting) else { return }
        let victim = await pickVictim()
        note(.kill, "replica \(victim) and wipe its data directory")
        await cluster.kill(victim)
        cluster.wipe(victim)
        try? await Task.sleep(for: lasting)
        try? await cluster.start(victim)
        note(.restart, "replica \(victim) with an empty data directory (it recovers from the others)")
    }

    /// Half the time the leader (the most interesting victim), else anyone.
    private func pickVictim() async -> Int {
        if random.below(2) == 0, let leader = await cluster.leader() { return leader }
        return random.below(3)
    }

    /// Blackhole routes in the senders' namespaces, or the fault-injection
    /// rules (`drop_to` on the sender, `drop_from` on the receiver).
    private func partition(_ victim: Int, from others: [Int], shape: PartitionShape) async {
        let victimSends = shape == .cannotHear, victimHears = shape == .cannotSend
        if let network = cluster.network {
            if !victimSends { try? network.blackhole(from: victim, to: others) }
            if !victimHears { for other in others { try? network.blackhole(from: other, to: [victim]) } }
            return
        }
        await setRule(on: victim, dropTo: victimSends ? [] : others, dropFrom: victimHears ? [] : others)
        for other in others {
            await setRule(on: other, dropTo: victimHears ? [] : [victim], dropFrom: victimSends ? [] : [victim])
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
    /// Waits until no replica reports itself recovering; false if one still does at the end.
    func waitUntilNoneRecovering(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        repeat {
            var recovering = false
            for replica in 0..<3 {
                let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [endpoints[replica]], defaultTimeout: .milliseconds(300)))
                let status = try? await client.status(timeout: .milliseconds(300))
                await client.shutdown()
                if status == nil || status?.role == .recovering { recovering = true }
            }
            if !recovering { return true }
            try? await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return false
    }

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
