import RotorConsensus

/// The shape of a simulated run.
public struct SimulationOptions: Sendable {
    public var replicaCount = 3
    public var clientCount = 3
    public var keyCount = 3
    /// Faults are injected during this first part of the run…
    public var faultDuration: Int64 = VirtualTime.seconds(8)
    /// …then everything heals, and the cluster must serve again and converge.
    public var healDuration: Int64 = VirtualTime.seconds(6)
    public var faults: Set<FaultKind> = Set(FaultKind.allCases)
    public var electionTimeout: Int64 = VirtualTime.milliseconds(300)
    public var heartbeatInterval: Int64 = VirtualTime.milliseconds(50)
    public var tickInterval: Int64 = VirtualTime.milliseconds(10)
    public var diskLatency: ClosedRange<Int64> = 100_000...2_000_000
    public var clientLatency: ClosedRange<Int64> = 200_000...1_000_000
    /// How long a client keeps retrying one operation before recording it as unknown.
    public var clientTimeout: Int64 = VirtualTime.seconds(2)
    /// How long a client waits for one replica before trying another.
    public var attemptTimeout: Int64 = VirtualTime.milliseconds(400)
    /// A stated bound: after the heal, some write succeeds within this long.
    public var livenessBound: Int64 = VirtualTime.seconds(3)
    /// Each replica snapshots its state machine every this many applied entries
    /// (nil: never), so compaction and state transfer run under every fault.
    public var snapshotEvery: Int? = 24
    /// Entries kept behind a snapshot.
    public var retainedEntries = 4
    /// Small chunks, so that a transfer takes many messages and a crash can interrupt it.
    public var snapshotChunkBytes = 64
    /// Test-only protocol bug to inject (the simulator must catch it).
    public var unsafeFault: UnsafeFault?

    public init() {}

    func consensus(for replica: Int) -> ConsensusConfiguration {
        ConsensusConfiguration(replicaCount: replicaCount, replicaID: replica, electionTimeout: electionTimeout,
                               heartbeatInterval: heartbeatInterval, maxEntriesPerAppend: 16, maxAppendsInFlight: 4,
                               retainedEntries: retainedEntries, snapshotChunkBytes: snapshotChunkBytes, unsafeFault: unsafeFault)
    }
}

/// The kinds of faults the simulator injects.
public enum FaultKind: String, Sendable, CaseIterable {
    /// Crash a replica (losing unsynced writes), restart it later.
    case crash
    /// Cut a replica off, split the leader from the rest, or block one direction.
    case partition
    /// Drop, duplicate and reorder messages for a while.
    case lossy
    /// Make a replica's network and disk slow for a while.
    case slow
    /// Crash a replica and lose its whole disk (a lost data directory), restart it later.
    case wipe
}
