import Foundation
import RotorClient
import RotorModel
import RotorTestSupport
import Testing

extension ClusterScenarios {
    /// Cuts the leader off from the other two, both ways, with `injectFault`
    /// (the cluster must run with fault injection allowed): the two elect a
    /// leader in a newer term and serve writes; the isolated one commits
    /// nothing (a write sent to it fails or times out, and never appears).
    /// Healed, all three converge on one applied index and one state digest.
    static func isolatedLeaderIsReplacedThenHealed(_ cluster: any ClusterHarness) async throws {
        try await cluster.waitForHealthy()
        let old = try await cluster.waitForLeader()
        let oldTerm = try #require(await cluster.statuses(among: [old])[old]).term
        let writer = cluster.client(timeout: .seconds(10))
        _ = try await writer.put(bytes("before-partition"), bytes("1"))

        try await cluster.isolate(old)
        let survivors = (0..<3).filter { $0 != old }
        let newLeader = try await cluster.waitForLeader(among: survivors)
        let newTerm = try #require(await cluster.statuses(among: [newLeader])[newLeader]).term
        #expect(newTerm > oldTerm, "the survivors moved to a newer term")
        let survivor = cluster.client(of: newLeader)
        let during = try await survivor.put(bytes("during-partition"), bytes("2"))
        await survivor.shutdown()
        let island = cluster.client(of: old, timeout: cluster.electionTimeout * 3)
        let code = await errorCode { () async throws(KVError) in try await island.put(bytes("on-the-island"), bytes("x")) }
        await island.shutdown()
        #expect(code == .unavailable || code == .timeout, "a write to the isolated replica ended \(String(describing: code))")

        try await cluster.heal()
        try await cluster.waitForHealthy(within: .seconds(30))
        let converged = try await statusesAtOneAppliedIndex(cluster, atLeast: during.index) { _ in true }
        try expectOneDigest(converged)
        #expect(converged[old].map { $0.term >= newTerm } == true, "the isolated replica joined the newer term")
        let linearizable = ReadOptions(consistency: .linearizable)
        #expect(try await writer.get(bytes("during-partition"), options: linearizable).value == bytes("2"))
        #expect(try await writer.get(bytes("on-the-island"), options: linearizable).value == nil,
                "a write the isolated replica could not commit appeared")
        await writer.shutdown()
        let rejoined = cluster.client(of: old)
        #expect(try await rejoined.get(bytes("during-partition")).value == bytes("2"), "the healed replica serves the write it missed")
        await rejoined.shutdown()
    }
}
