import RotorConsensus
import RotorModel
import RotorSimulation
import RotorTestSupport
import Testing

/// Compaction, state transfer and the recovery of a lost disk, as stories
/// over the deterministic simulator.
@Suite struct DurabilityScenarioTests {
    func cluster(snapshotEvery: Int = 10, seed: UInt64 = 3) -> Simulation {
        var options = SimulationOptions()
        options.snapshotEvery = snapshotEvery
        options.retainedEntries = 2
        options.snapshotChunkBytes = 32
        let simulation = Simulation(seed: seed, options: options)
        simulation.run(until: { sim in sim.servingLeader != nil && (0..<3).allSatisfy { sim.core($0)?.isRecovering == false } },
                       timeout: VirtualTime.seconds(2))
        return simulation
    }

    func write(_ sim: Simulation, _ range: Range<Int>, prefix: String = "k") {
        for i in range { #expect(sim.perform(.put("\(prefix)\(i % 7)", "v\(i)")) == .ok(.write)) }
    }

    func expectConvergedWithLatestValues(_ sim: Simulation, through last: Int, prefix: String = "k") {
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(5)))
        for replica in 0..<3 {
            for key in 0..<7 {
                let latest = stride(from: last, through: 0, by: -1).first { $0 % 7 == key }!
                #expect(sim.machine(replica).get(Bytes(utf8: "\(prefix)\(key)")) == Bytes(utf8: "v\(latest)"), "replica \(replica) key \(key)")
            }
        }
        #expect(sim.violations.isEmpty)
    }

    @Test func snapshotsCompactTheLogOfEveryReplica() {
        let sim = cluster()
        write(sim, 0..<60)
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        for replica in 0..<3 {
            let core = sim.core(replica)!
            #expect(core.logBaseIndex > 40, "replica \(replica) compacted through \(core.logBaseIndex)")
            #expect(core.logEntries.count < 20)
            #expect(core.latestSnapshot != nil)
        }
        #expect(sim.violations.isEmpty)
    }

    @Test func aFollowerThatMissedCompactedEntriesCatchesUpBySnapshot() {
        let sim = cluster()
        write(sim, 0..<5)
        sim.crash(2)
        write(sim, 5..<60)
        #expect(sim.core(0)!.logBaseIndex > sim.core(0)!.commitIndex - 20)
        sim.restart(2)
        // The transfer takes many 32-byte chunks: it is observable while it runs.
        #expect(sim.run(until: { $0.core(2)?.isReceivingSnapshot == true }, timeout: VirtualTime.seconds(3)))
        expectConvergedWithLatestValues(sim, through: 59)
        #expect(sim.core(2)!.latestSnapshot!.index >= sim.core(0)!.logBaseIndex)
    }

    /// Replica 2 misses entries the others compact away, and is in the middle
    /// of receiving the leader's snapshot when this returns. It holds durable
    /// state first: an empty disk would make it a recovering replica, which
    /// could not help elect a new leader.
    func clusterWithTransferUnderWay() -> Simulation {
        let sim = cluster()
        write(sim, 0..<3)
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        sim.crash(2)
        write(sim, 3..<60)
        sim.restart(2)
        #expect(sim.run(until: { $0.core(2)?.isReceivingSnapshot == true }, timeout: VirtualTime.seconds(3)))
        return sim
    }

    @Test func aTransferInterruptedByTheFollowersCrashStartsAgain() {
        let sim = clusterWithTransferUnderWay()
        sim.crash(2)
        write(sim, 60..<70)
        sim.restart(2)
        expectConvergedWithLatestValues(sim, through: 69)
    }

    @Test func aTransferInterruptedByTheLeadersCrashIsFinishedByTheNextLeader() {
        let sim = clusterWithTransferUnderWay()
        sim.crash(0)
        #expect(sim.run(until: { $0.servingLeader == 1 }, timeout: VirtualTime.seconds(3)))
        write(sim, 60..<70)
        sim.restart(0)
        expectConvergedWithLatestValues(sim, through: 69)
    }

    @Test func aWipedFollowerRebuildsFromTheOthers() {
        let sim = cluster()
        write(sim, 0..<40)
        sim.wipe(2)
        sim.restart(2)
        #expect(sim.core(2)!.isRecovering)
        write(sim, 40..<50)
        expectConvergedWithLatestValues(sim, through: 49)
        #expect(!sim.core(2)!.isRecovering)
        // Recovery ends only in a term that started without the wiped replica:
        // the leader of term 0 handed over to term 1 once replica 2 was in step.
        #expect(sim.core(2)!.term == 1, "recovery finished in the next term")
        #expect(sim.violations.isEmpty)
    }

    /// The case VR's recovery rule exists for: writes acknowledged by the
    /// leader and replica 2 only; then the leader goes down and replica 2
    /// loses its disk. Replicas 1 and 2 must not elect a leader from replica
    /// 1's stale log; the cluster waits for replica 0 and loses nothing.
    @Test func aWipedReplicaDoesNotCountTowardAQuorum() {
        let sim = cluster(snapshotEvery: 1000)
        write(sim, 0..<5)
        sim.crash(1)
        write(sim, 5..<20)
        sim.crash(0)
        sim.wipe(2)
        sim.restart(2)
        sim.restart(1)
        sim.run(for: VirtualTime.seconds(3))
        #expect(sim.servingLeader == nil, "replicas 1 and 2 elected a leader while 2 was empty")
        #expect(sim.core(2)!.isRecovering)
        sim.restart(0)
        expectConvergedWithLatestValues(sim, through: 19)
    }

    @Test func aReplicaRestartsFromItsSnapshotAndLog() {
        let sim = cluster()
        write(sim, 0..<45)
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        for replica in 0..<3 { sim.crash(replica) }
        for replica in 0..<3 { sim.restart(replica) }
        // The state machine comes back from the snapshot before anything is committed again.
        #expect(sim.machine(1).appliedIndex >= 30)
        write(sim, 45..<50)
        expectConvergedWithLatestValues(sim, through: 49)
    }
}
