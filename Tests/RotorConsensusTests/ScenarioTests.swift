@testable import RotorConsensus
import RotorModel
import RotorSimulation
import RotorTestSupport
import Testing

/// Stories of the protocol, each a few readable lines over the deterministic simulator.
@Suite struct ScenarioTests {
    /// A cluster whose first leader serves (replica 0 leads term 0).
    func cluster(_ replicas: Int = 3, seed: UInt64 = 1) -> Simulation {
        var options = SimulationOptions()
        options.replicaCount = replicas
        let simulation = Simulation(seed: seed, options: options)
        // Every replica starts with an empty disk, so each first asks the
        // others whether the cluster is new: wait until all have decided.
        simulation.run(until: { sim in sim.servingLeader != nil && (0..<replicas).allSatisfy { sim.core($0)?.isRecovering == false } },
                       timeout: VirtualTime.seconds(2))
        return simulation
    }

    func value(_ text: String) -> OperationOutcome { .ok(.read(Bytes(utf8: text))) }

    @Test func theLeaderCrashesAndTheNextReplicaLeads() {
        let sim = cluster()
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        sim.crash(0)
        #expect(sim.run(until: { $0.servingLeader == 1 }, timeout: VirtualTime.seconds(3)))
        #expect(sim.core(1)?.term == 1)
        #expect(sim.perform(.get("a")) == value("1"))
        #expect(sim.violations.isEmpty)
    }

    @Test func theSuccessorIsAlsoDownSoTheTermSkipsPastIt() {
        let sim = cluster(5)
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        sim.crash(0)
        sim.crash(1)
        #expect(sim.run(until: { $0.servingLeader != nil }, timeout: VirtualTime.seconds(5)))
        #expect(sim.servingLeader == 2)
        #expect(sim.core(2)?.term == 2)
        #expect(sim.perform(.get("a")) == value("1"))
        #expect(sim.violations.isEmpty)
    }

    @Test func anIsolatedReplicaRejoinsWithoutDisruptingTheLeader() {
        let sim = cluster()
        sim.isolate([2])
        sim.run(for: VirtualTime.seconds(3))  // replica 2 times out again and again, alone
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        sim.healAll()
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        #expect(sim.servingLeader == 0)
        #expect(sim.core(0)?.term == 0)
        #expect(sim.core(2)?.term == 0)
        #expect(sim.violations.isEmpty)
    }

    @Test func aRestartedFollowerDoesNotDisruptTheLeader() {
        let sim = cluster()
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        sim.crash(2)
        sim.run(for: VirtualTime.seconds(2))
        sim.restart(2)
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        #expect(sim.core(0)?.term == 0)
        #expect(sim.machine(2).get(Bytes(utf8: "a")) == Bytes(utf8: "1"))
    }

    @Test func aDeposedLeaderCannotCommit() {
        let sim = cluster()
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        #expect(sim.perform(.put("b", "1"), client: 1) == .ok(.write), "client 1 registers its session before the fault")
        let committedBefore = sim.core(0)!.commitIndex
        sim.isolate([0])
        // Replica 0 still believes it leads term 0 and takes the write, but no majority acknowledges it.
        #expect(sim.perform(.put("a", "lost"), client: 1, via: 0, retries: false) == .unknown)
        #expect(sim.core(0)!.commitIndex == committedBefore)
        #expect(sim.run(until: { $0.servingLeader == 1 }, timeout: VirtualTime.seconds(3)))
        #expect(sim.perform(.put("a", "2")) == .ok(.write))
        sim.healAll()
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        #expect(sim.perform(.get("a")) == value("2"))
        #expect(sim.violations.isEmpty)
    }

    @Test func aFollowersDivergentUncommittedSuffixIsReplaced() {
        let sim = cluster()
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        #expect(sim.perform(.put("b", "1"), client: 1) == .ok(.write), "client 1 registers its session before the fault")
        sim.isolate([0])
        for i in 0..<3 { _ = sim.perform(.put("stale\(i)", "x"), client: 1, via: 0, retries: false) }
        let divergent = sim.core(0)!.logEntries.filter { $0.term == 0 && $0.index > sim.core(0)!.commitIndex }
        // Check-quorum: the cut-off leader takes writes only until an election timeout passes without its majority.
        #expect(!divergent.isEmpty)
        #expect(sim.run(until: { $0.servingLeader == 1 }, timeout: VirtualTime.seconds(3)))
        for i in 0..<5 { #expect(sim.perform(.put("fresh\(i)", "y")) == .ok(.write)) }
        sim.healAll()
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        #expect(sim.core(0)!.logEntries == sim.core(1)!.logEntries)
        #expect(!sim.core(0)!.logEntries.contains(where: { divergent.contains($0) }))
        #expect(sim.perform(.get("stale0")) == .ok(.read(nil)))
        #expect(sim.violations.isEmpty)
    }

    @Test func aDuplicatedWriteIsAppliedOnce() {
        let sim = cluster()
        sim.bus.duplicateProbability = 1  // every message arrives twice
        #expect(sim.perform(.compareAndSet("lock", expected: nil, new: "me")) == .ok(.compareAndSet(succeeded: true)))
        let id = sim.lastRequestID()
        // The client lost the reply and retries through another replica with the same request id.
        #expect(sim.perform(.compareAndSet("lock", expected: nil, new: "me"), via: 2, requestID: id) == .ok(.compareAndSet(succeeded: true)))
        #expect(sim.perform(.compareAndSet("lock", expected: nil, new: "you")) == .ok(.compareAndSet(succeeded: false)))
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(2)))
        let applied = sim.core(0)!.logEntries.filter { !$0.isNoOp }.count
        #expect(applied == 4)  // the session's registration, and both copies of the retried CAS; the state machine applied it once
        #expect(sim.machine(0).get(Bytes(utf8: "lock")) == Bytes(utf8: "me"))
        #expect(sim.violations.isEmpty)
    }

    @Test func aOneReplicaClusterWorksAndSurvivesARestart() {
        let sim = cluster(1)
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        #expect(sim.perform(.get("a")) == value("1"))
        sim.crash(0)
        sim.restart(0)
        #expect(sim.run(until: { $0.servingLeader == 0 }, timeout: VirtualTime.seconds(3)))
        #expect(sim.core(0)!.term == 1)
        #expect(sim.perform(.get("a")) == value("1"))
        #expect(sim.violations.isEmpty)
    }
}

@Suite struct CheckQuorumAndChunkingTests {
    @Test func aLeaderCutOffFromItsMajorityTurnsWritesAwayAtOnce() {
        var leader = Replica(configuration: ConsensusConfiguration(replicaCount: 3, replicaID: 0), durable: .initial, now: 0)
        _ = leader.handle(.persisted(token: 1), now: 0)
        #expect(leader.isLeader && leader.hasQuorum)
        let late: Instant = 2_000_000_000  // two election timeouts of silence from both followers
        let actions = leader.handle(.clientWrite(ClientToken(7), payload: [1]), now: late)
        #expect(!leader.hasQuorum)
        #expect(actions == [.writeRejected(ClientToken(7), .noQuorum(leader: 0))])
        #expect(leader.handle(.clientRead(ClientToken(8)), now: late) == [.readRejected(ClientToken(8), .noQuorum(leader: 0))])
        // One follower answering restores the quorum.
        _ = leader.handle(.received(.commitAck(CommitAck(term: 0, from: 1, round: 1, matchIndex: 0)), from: 1), now: late)
        #expect(leader.hasQuorum)
    }

    @Test func aDoViewChangeCarriesOneBoundedChunk() {
        let entries = (1...10).map { LogEntry(index: $0, term: 0, data: [UInt8](repeating: 1, count: 100), timestamp: 0) }
        let configuration = ConsensusConfiguration(replicaCount: 3, replicaID: 1, maxEntriesPerAppend: 4, maxBytesPerMessage: 300)
        let follower = Replica(configuration: configuration, durable: DurableState(term: 0, status: .normal, lastNormalTerm: 0, log: entries),
                               now: 0)
        let report = follower.doViewChange(entriesFrom: 1)
        #expect(report.lastIndex == 10)
        #expect(report.entries.map(\.index) == [1, 2])  // 2 × (100 + 32) bytes fit under 300; a third would not
    }
}
