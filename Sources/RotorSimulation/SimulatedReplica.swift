import RotorConsensus
import RotorModel
import RotorStateMachine

/// One replica in the simulation: the consensus core, its state machine and
/// its disk. Crashing keeps only what the disk completed.
struct SimulatedReplica {
    let id: Int
    let configuration: ConsensusConfiguration
    var core: Replica?
    var machine = KvStateMachine()
    var disk = SimulatedDisk()
    /// Bumped at every restart, so stale timers and disk completions are ignored.
    var incarnation = 0
    /// Client calls this incarnation accepted and has not answered.
    var calls: [ClientToken: ClientCall] = [:]

    init(id: Int, configuration: ConsensusConfiguration) {
        self.id = id
        self.configuration = configuration
    }

    var isUp: Bool { core != nil }

    /// The applied index of the last snapshot this incarnation took or asked for.
    var lastSnapshotIndex: Int64 = 0

    /// Starts from what the disk holds: the state machine from the stored
    /// snapshot, the core from the whole durable state. The nonce makes an
    /// empty disk go through recovery, as the production shell does.
    mutating func start(now: Int64, recoveryNonce: UInt64, initialClusterState: InitialClusterState) {
        incarnation += 1
        calls = [:]
        if let snapshot = disk.durable.snapshot {
            machine = try! KvStateMachine.restore(snapshot.data)
        } else {
            machine = KvStateMachine()
        }
        lastSnapshotIndex = machine.appliedIndex
        core = Replica(configuration: configuration, durable: disk.durable, now: now, recoveryNonce: recoveryNonce,
                       initialClusterState: initialClusterState)
    }

    mutating func crash() {
        core = nil
        calls = [:]
        disk.crash()
    }
}
