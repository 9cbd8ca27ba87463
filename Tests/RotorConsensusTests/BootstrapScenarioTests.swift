@testable import RotorConsensus
import RotorModel
import RotorSimulation
import RotorTestSupport
import Testing

/// Issue 11, items 1 and 5, as simulator stories: an empty disk must never
/// start a second cluster beside a live one, a recovering replica counts
/// toward nothing, clusters have an identity, and a leader that cannot hear
/// hands its term over. Each story fails on the rules these replaced.
@Suite struct BootstrapScenarioTests {
    func value(_ text: String) -> OperationOutcome { .ok(.read(Bytes(utf8: text))) }
    let keys = (1...5).map { "k\($0)" }

    /// The story. Replica 1 is cut off from boot; 0 and 2 (declared
    /// new, as an operator bringing a cluster up one machine at a time would)
    /// start the cluster and acknowledge five writes. Then 0 crashes and 2
    /// loses its disk and restarts (no longer declared new). With 0 down the
    /// only copy of the writes is on 0's disk: 1 and 2 must not start a
    /// cluster of their own. Once 0 is back they rebuild from it, and every
    /// acknowledged write reads back. (The old rule — a majority of empty
    /// answers starts a new cluster — let 1 and 2 start term 1 from two empty
    /// logs and overwrite 0's.)
    @Test func emptyDisksNeverStartASecondClusterBesideALiveOne() {
        let sim = Simulation(seed: 11, initialClusterStates: [0: .new, 1: .new, 2: .new])
        loseTheOnlyOtherCopy(sim)
        sim.run(for: VirtualTime.seconds(3))
        #expect(sim.servingLeader == nil, "no leader without the only replica that holds the writes")
        #expect(sim.core(1)!.isRecovering && sim.core(2)!.isRecovering)
        #expect(sim.core(2)!.waitingReason != nil, "a discovering replica says why it waits")
        sim.restart(0)
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(5)))
        for key in keys { #expect(sim.perform(.get(key)) == value("v-\(key)")) }
        #expect(Set((0..<3).map { sim.core($0)!.clusterID }).count == 1, "one cluster id everywhere")
        #expect(sim.core(0)!.clusterID != 0)
        #expect(sim.violations.isEmpty)
    }

    /// The same story under the rule it replaced: acknowledged writes are lost.
    @Test func theOldBootstrapRuleLosesTheWritesInThatStory() {
        var options = SimulationOptions()
        options.unsafeFault = .majorityOfEmptyDisksStartsACluster
        let sim = Simulation(seed: 11, options: options, initialClusterStates: [0: .new, 1: .new, 2: .new])
        loseTheOnlyOtherCopy(sim)
        sim.run(for: VirtualTime.seconds(3))
        sim.restart(0)
        sim.run(for: VirtualTime.seconds(5))
        // The simulator's durability monitor sees it first: a new leader without committed entries.
        #expect(sim.violations.contains { $0.contains("durability") }, "the old rule should have lost acknowledged writes")
    }

    /// Steps 1–2 of the story: five writes acknowledged by 0 and 2 only, then
    /// 0 down and 2 wiped, restarted without the "new" declaration, network healed.
    func loseTheOnlyOtherCopy(_ sim: Simulation) {
        sim.isolate([1])
        #expect(sim.run(until: { $0.servingLeader == 0 && $0.core(2)?.isRecovering == false }, timeout: VirtualTime.seconds(2)))
        for key in keys { #expect(sim.perform(.put(key, "v-\(key)"), via: 0) == .ok(.write)) }
        sim.crash(0)
        sim.wipe(2)
        sim.initialClusterStates[2] = .auto
        sim.restart(2)
        sim.healNetwork()
    }

    /// The variant: the term-0 leader itself loses its disk, hears a member
    /// (2) and an empty disk (1, cut off from boot). It must not lead term 0
    /// again with a new log; it rebuilds from 2 once 2 and 1 together cover
    /// every possible term (1 was declared new: it never held anything).
    @Test func aWipedFirstLeaderDoesNotLeadItsTermAgain() {
        let sim = Simulation(seed: 12, initialClusterStates: [0: .new, 1: .new, 2: .new])
        sim.isolate([1])
        #expect(sim.run(until: { $0.servingLeader == 0 && $0.core(2)?.isRecovering == false }, timeout: VirtualTime.seconds(2)))
        for key in keys { #expect(sim.perform(.put(key, "v-\(key)"), via: 0) == .ok(.write)) }
        sim.wipe(0)
        sim.initialClusterStates[0] = .auto
        sim.restart(0)
        sim.healNetwork()
        #expect(sim.run(until: { $0.converged && $0.servingLeader != nil }, timeout: VirtualTime.seconds(5)))
        for key in keys { #expect(sim.perform(.get(key)) == value("v-\(key)")) }
        #expect(sim.violations.isEmpty)
    }

    /// Two replicas wiped together while the third holds everything: neither
    /// may start a cluster; they wait, and rebuild from the third.
    @Test func twoWipedReplicasWaitForTheThird() {
        let sim = Simulation(seed: 13)
        #expect(sim.run(until: { sim in sim.servingLeader != nil && (0..<3).allSatisfy { sim.core($0)?.isRecovering == false } },
                        timeout: VirtualTime.seconds(2)))
        for key in keys { #expect(sim.perform(.put(key, "v-\(key)")) == .ok(.write)) }
        sim.crash(0)
        sim.wipe(1)
        sim.wipe(2)
        sim.restart(1)
        sim.restart(2)
        sim.run(for: VirtualTime.seconds(3))
        #expect(sim.servingLeader == nil)
        sim.restart(0)
        // 0 holds the writes, but 1 and 2 cannot tell that neither of them
        // held them too: the rule cannot decide safely, so they wait.
        sim.run(for: VirtualTime.seconds(3))
        #expect(sim.core(1)!.isRecovering && sim.core(2)!.isRecovering)
        #expect(sim.violations.isEmpty)
    }

    /// A message stamped with another cluster's id is refused.
    @Test func aReplicaOfAnotherClusterIsRefused() {
        let sim = Simulation(seed: 14)
        // Every replica learns the id once the genesis entry (index 1) is committed.
        #expect(sim.run(until: { sim in (0..<3).allSatisfy { (sim.core($0)?.clusterID ?? 0) != 0 } }, timeout: VirtualTime.seconds(2)))
        var core = sim.core(1)!
        let cluster = core.clusterID
        #expect(cluster != 0)
        #expect(!core.accepts(cluster: cluster &+ 1))
        #expect(core.accepts(cluster: cluster) && core.accepts(cluster: 0))
        let term = core.term
        let forged = AppendEntries(term: term + 5, leaderID: 2, prevIndex: 0, prevTerm: 0, entries: [], leaderCommit: 0, termStartIndex: 0)
        _ = core.handle(.received(.appendEntries(forged), from: 2, cluster: cluster &+ 1), now: sim.now)
        #expect(core.term == term, "a foreign cluster's term is not joined")
    }

    /// Item 5: with its inbound consensus traffic cut, the leader keeps
    /// heartbeating and its followers keep hearing it. Check-quorum makes it
    /// hand the term over, so writes succeed again through the next leader.
    /// (Before, every write failed for as long as the fault lasted.)
    @Test func aLeaderThatCannotHearHandsItsTermOver() {
        let sim = Simulation(seed: 15)
        #expect(sim.run(until: { sim in sim.servingLeader == 0 && (0..<3).allSatisfy { sim.core($0)?.isRecovering == false } },
                        timeout: VirtualTime.seconds(2)))
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        sim.isolate([0], inboundOnly: true)
        #expect(sim.run(until: { $0.servingLeader != nil && $0.servingLeader != 0 }, timeout: VirtualTime.seconds(3)))
        #expect(sim.perform(.put("a", "2"), via: sim.servingLeader!) == .ok(.write))
        sim.healNetwork()
        #expect(sim.run(until: { $0.converged }, timeout: VirtualTime.seconds(3)))
        #expect(sim.perform(.get("a")) == value("2"))
        #expect(sim.violations.isEmpty)
    }
}
