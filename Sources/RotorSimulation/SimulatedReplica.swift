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

    mutating func start(now: Int64) {
        incarnation += 1
        machine = KvStateMachine()
        calls = [:]
        core = Replica(configuration: configuration, durable: disk.durable, now: now)
    }

    mutating func crash() {
        core = nil
        calls = [:]
        disk.crash()
    }
}
