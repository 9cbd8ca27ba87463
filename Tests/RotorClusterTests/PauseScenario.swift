import Foundation
import RotorClient
import RotorModel
import Testing

extension ClusterScenarios {
    /// SIGSTOP the leader for 3 election timeouts, then SIGCONT it: the
    /// cluster moved on without it, the old leader commits nothing in its old
    /// term (a write sent to it while paused is either refused or, if it was
    /// acknowledged, really there), and no LINEARIZABLE read returns stale data.
    static func pausedLeaderIsDeposed(_ cluster: any ClusterHarness) async throws {
        try await cluster.waitForHealthy()
        let old = try await cluster.waitForLeader()
        let oldTerm = await cluster.statuses(among: [old])[old]!.term
        let key = bytes("paused-key")
        let writer = cluster.client(timeout: .seconds(10))
        _ = try await writer.put(key, bytes("before"))
        try await cluster.pause(old)
        // Sent to the frozen leader; it reads it only after SIGCONT.
        let pinned = cluster.client(of: old, timeout: .seconds(10))
        let writeToPaused = Task { try? await pinned.put(bytes("written-while-paused"), bytes("p")) }
        try await Task.sleep(for: cluster.electionTimeout * 3)
        let survivors = (0..<3).filter { $0 != old }
        let newLeader = try await cluster.waitForLeader(among: survivors)
        let newTerm = await cluster.statuses(among: [newLeader])[newLeader]!.term
        #expect(newTerm > oldTerm, "the cluster moved to a newer term")
        _ = try await writer.put(key, bytes("after"))
        try await cluster.resume(old)
        // Right after SIGCONT the old leader still believes in its term until it hears otherwise.
        let reader = cluster.client(of: old, timeout: .seconds(5))
        for _ in 0..<20 {
            if let read = try? await reader.get(key, options: ReadOptions(consistency: .linearizable)) {
                #expect(read.value == bytes("after"), "a LINEARIZABLE read through the deposed leader was stale")
            }
        }
        await reader.shutdown()
        let outcome = await writeToPaused.value
        await pinned.shutdown()
        if let outcome {
            let check = try await writer.get(bytes("written-while-paused"), options: ReadOptions(consistency: .linearizable))
            #expect(check.value == bytes("p"), "a write acknowledged at index \(outcome.index) is missing")
        }
        let status = await cluster.statuses(among: [old])[old]
        #expect(status.map { $0.term >= newTerm } == true, "the old leader joined the newer term")
        #expect(status?.role != .leader || (status?.term ?? 0) > oldTerm)
        await writer.shutdown()
    }
}
