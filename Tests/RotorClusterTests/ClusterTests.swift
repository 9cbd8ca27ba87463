import Foundation
import RotorClient
import RotorModel
import RotorTestSupport
import Testing

/// The scenarios against three replicas in this process (real sockets).
@Suite(.serialized) struct InProcessClusterTests {
    func withCluster(clientToken: String? = nil, storage: String = "", faultInjection: Bool = false,
                     _ body: (InProcessCluster) async throws -> Void) async throws {
        try await InProcessCluster(clientToken: clientToken, storage: storage, faultInjection: faultInjection).run(body)
    }

    @Test func writesThroughEveryReplicaAreReadableEverywhere() async throws {
        try await withCluster { try await ClusterScenarios.writesThroughEveryReplicaAreReadableEverywhere($0) }
    }

    @Test func leaderLossRestartAndCatchUp() async throws {
        try await withCluster { cluster in
            let (killed, acknowledged) = try await ClusterScenarios.leaderLossUnderLoad(cluster)
            try await ClusterScenarios.restartedReplicaCatchesUp(cluster, killed: killed, acknowledged: acknowledged)
        }
    }

    /// `[limits] max_scan_bytes` bounds scans on every read path of a cluster
    /// replica: LOCAL on the leader, `min_index` on a follower, LINEARIZABLE
    /// forwarded by a follower. Ten 1000-byte values against 3000 bytes come
    /// back two a page, five pages, every key once. (The `[limits]` table
    /// rides in after the harness's `[storage]` lines.)
    @Test func scansPageByBytesOnEveryReadPath() async throws {
        try await withCluster(storage: "[limits]\nmax_scan_bytes = 3000") { cluster in
            let leader = try await cluster.waitForLeader()
            let keys = (0..<10).map { Bytes(utf8: "page\($0)") }
            let writer = cluster.client(of: leader)
            var last: Int64 = 0
            for key in keys { last = try await writer.put(key, Bytes(repeating: 0x61, count: 1000)).index }
            await writer.shutdown()
            let follower = (leader + 1) % 3
            for (replica, options) in [(leader, ReadOptions()), (follower, ReadOptions(minIndex: last)),
                                       (follower, ReadOptions(consistency: .linearizable))] {
                let client = cluster.client(of: replica)
                var seen: [Bytes] = []
                var cursor: Bytes? = []
                var pages = 0
                while let start = cursor, pages < 10 {
                    let page = try await client.scan(from: start, limit: 100, options: options)
                    seen += page.entries.map(\.key)
                    cursor = page.continuation
                    pages += 1
                }
                await client.shutdown()
                #expect(seen == keys, "replica \(replica), \(options)")
                #expect(pages == 5, "replica \(replica), \(options)")
            }
        }
    }

    @Test func twoReplicasDown() async throws {
        try await withCluster { try await ClusterScenarios.twoReplicasDown($0) }
    }

    @Test func forgedConsensusCallsAreRefused() async throws {
        try await withCluster { try await ClusterScenarios.forgedConsensusCallsAreRefused($0) }
    }

    /// `injectFault` partitions the leader from the others, both ways, then heals.
    @Test func isolatedLeaderIsReplacedThenHealed() async throws {
        try await withCluster(faultInjection: true) { try await ClusterScenarios.isolatedLeaderIsReplacedThenHealed($0) }
    }

    /// A follower cut off with `injectFault` answers writes and `min_index` reads at once (issue 11, item 6).
    @Test func cutOffFollowerAnswersAtOnce() async throws {
        try await withCluster(faultInjection: true) { try await ClusterScenarios.cutOffFollowerAnswersAtOnce($0) }
    }

    /// A leader that sends but cannot hear is replaced (it goes quiet without a majority).
    @Test func deafLeaderIsReplaced() async throws {
        try await withCluster(faultInjection: true) { try await ClusterScenarios.deafLeaderIsReplaced($0) }
    }

    /// A replica without `[testing] allow_fault_injection` refuses `injectFault`, even proven with the secret.
    @Test func faultInjectionIsRefusedUnlessAllowed() async throws {
        try await withCluster { cluster in
            let code = await errorCode { () async throws(KVError) in try await cluster.injectFault(at: 0, dropTo: [1], dropFrom: [1]) }
            #expect(code == .unauthorized)
        }
    }

    /// Snapshots every 10 entries keeping 4 behind, so status has a snapshot and a compacted log to report.
    @Test func replicasReportOneDigestAtOneAppliedIndex() async throws {
        try await withCluster(storage: "snapshot_every_entries = 10\nretained_entries = 4") {
            try await ClusterScenarios.replicasReportOneDigestAtOneAppliedIndex($0, snapshotEveryEntries: 10, retainedEntries: 4)
        }
    }

    /// A full disk on the leader (every log write fails with ENOSPC): the
    /// write in flight fails with an error to its client, the leader stops
    /// taking part, the other two carry on, and once the disk has room the
    /// replica restarts from what it had and converges with them.
    @Test func aFullDiskFailsTheWriteAndTheReplicaStaysConsistent() async throws {
        try await withCluster { cluster in
            try await cluster.waitForHealthy()
            let leader = try await cluster.waitForLeader()
            let client = cluster.client(of: leader)
            _ = try await client.put(Bytes("before".utf8), Bytes("1".utf8))
            cluster.fullDisks.withLockedValue { _ = $0.insert(leader) }
            let failed = await errorCode { () async throws(KVError) in
                _ = try await client.put(Bytes("during".utf8), Bytes("2".utf8), timeout: .seconds(10))
            }
            #expect(failed == .internalError || failed == .unavailable, "the write on a full disk ended \(String(describing: failed))")
            await client.shutdown()
            let newLeader = try await cluster.waitForLeader(excluding: leader)
            let survivor = cluster.client(of: newLeader)
            _ = try await survivor.put(Bytes("after".utf8), Bytes("3".utf8))
            await survivor.shutdown()
            try await cluster.kill(leader)
            cluster.fullDisks.withLockedValue { _ = $0.remove(leader) }
            try await cluster.restart(leader)
            try await cluster.waitForHealthy()
            let reader = cluster.client(of: leader)
            let after = try await reader.get(Bytes("after".utf8), options: ReadOptions(consistency: .linearizable))
            #expect(after.value == Bytes("3".utf8))
            await reader.shutdown()
            var digests: Set<UInt64?> = []
            for _ in 0..<100 {
                let statuses = await cluster.statuses()
                digests = Set(statuses.values.map(\.stateDigest))
                if statuses.count == 3, digests.count == 1, Set(statuses.values.map(\.appliedIndex)).count == 1 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(digests.count == 1, "the replicas hold different states: \(digests)")
        }
    }

    /// With `client_token`, clients must authenticate; a follower forwards writes to the leader with it.
    @Test func theClientTokenGatesClientsAndForwarding() async throws {
        try await withCluster(clientToken: "let-me-in") { cluster in
        let leader = try await cluster.waitForLeader()
        let follower = (leader + 1) % 3
        let anonymous = RotorKVClient(configuration: ClientConfiguration(endpoints: [cluster.endpoints[follower]]))
        let refused = await errorCode { () async throws(KVError) in try await anonymous.put(Bytes("k".utf8), Bytes("v".utf8)) }
        #expect(refused == .unauthorized)
        await anonymous.shutdown()
        let member = RotorKVClient(configuration: ClientConfiguration(endpoints: [cluster.endpoints[follower]], clientToken: "let-me-in"))
        let put = try await member.put(Bytes("k".utf8), Bytes("v".utf8))
        let read = try await member.get(Bytes("k".utf8), options: ReadOptions(consistency: .linearizable))
        #expect(read.value == Bytes("v".utf8) && read.appliedIndex >= put.index)
        await member.shutdown()
        }
    }
}

/// The same scenarios against three `rotorkv-server` processes, with real signals.
@Suite(.serialized, .enabled(if: ProcessCluster.serverBinary != nil, "rotorkv-server is not built"))
struct ProcessClusterTests {
    func withCluster(faultInjection: Bool = false, _ body: (ProcessCluster) async throws -> Void) async throws {
        try await ProcessCluster(faultInjection: faultInjection).run(body)
    }

    @Test func writesThroughEveryReplicaAreReadableEverywhere() async throws {
        try await withCluster { try await ClusterScenarios.writesThroughEveryReplicaAreReadableEverywhere($0) }
    }

    @Test func killNineTheLeaderUnderLoadThenRestartIt() async throws {
        try await withCluster { cluster in
            let (killed, acknowledged) = try await ClusterScenarios.leaderLossUnderLoad(cluster)
            try await ClusterScenarios.restartedReplicaCatchesUp(cluster, killed: killed, acknowledged: acknowledged)
        }
    }

    @Test func sigstopTheLeader() async throws {
        try await withCluster { try await ClusterScenarios.pausedLeaderIsDeposed($0) }
    }

    @Test func twoReplicasDown() async throws {
        try await withCluster { try await ClusterScenarios.twoReplicasDown($0) }
    }

    @Test func forgedConsensusCallsAreRefused() async throws {
        try await withCluster { try await ClusterScenarios.forgedConsensusCallsAreRefused($0) }
    }

    @Test func isolatedLeaderIsReplacedThenHealed() async throws {
        try await withCluster(faultInjection: true) { try await ClusterScenarios.isolatedLeaderIsReplacedThenHealed($0) }
    }
}
