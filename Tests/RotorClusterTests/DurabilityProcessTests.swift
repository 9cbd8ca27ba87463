import Foundation
import RotorClient
import RotorModel
import RotorTestSupport
import Testing

/// Issue 5's three stories against real `rotorkv-server` processes with real
/// files: kill -9 of everything, a follower that comes back after compaction,
/// and a follower whose data directory was wiped.
@Suite(.serialized, .enabled(if: ProcessCluster.serverBinary != nil, "rotorkv-server is not built"))
struct DurabilityProcessTests {
    /// Small snapshot intervals, so that a few thousand writes compact the log.
    static let compactingStorage = """
        snapshot_every_entries = 1000
        retained_entries = 50
        segment_bytes = 65536
        """

    func withCluster(fsync: String = "never", storage: String = compactingStorage,
                     _ body: (ProcessCluster) async throws -> Void) async throws {
        // Notices are kept: the tests read what the replicas say they did.
        try await ProcessCluster(electionTimeoutMilliseconds: 600, fsync: fsync, storage: storage, logLevel: "notice").run(body)
    }

    @Test func everyAcknowledgedWriteSurvivesKillingAllThreeAtOnce() async throws {
        try await withCluster(fsync: "always") { cluster in
            _ = try await cluster.waitForLeader()
            let written = try await Self.write(cluster, keys: 100_000, prefix: "k", writers: 32)
            await cluster.killAll()
            for replica in 0..<3 { try await cluster.restart(replica) }
            _ = try await cluster.waitForLeader()
            try await Self.expectConverged(cluster, holding: written)
        }
    }

    @Test func aFollowerBehindCompactionCatchesUpBySnapshot() async throws {
        try await withCluster { cluster in
            let leader = try await cluster.waitForLeader()
            let follower = (leader + 1) % 3
            var written = try await Self.write(cluster, keys: 100, prefix: "early", writers: 4)
            try await cluster.kill(follower)
            written.merge(try await Self.write(cluster, keys: 5_000, prefix: "late", writers: 16)) { $1 }
            let leaderStatus = try #require(await cluster.statuses(among: [leader])[leader])
            #expect((leaderStatus.logStartIndex ?? 0) > 1000, "the leader compacted its log (it starts at \(leaderStatus.logStartIndex ?? 0))")
            try await cluster.restart(follower)
            try await Self.expectConverged(cluster, holding: written)
            let log = try String(contentsOf: cluster.logFile(follower), encoding: .utf8)
            #expect(log.contains("installed the leader's snapshot"), "the follower caught up by snapshot")
        }
    }

    /// VR's recovery rule, observably: writes acknowledged by the leader and
    /// follower B only; the leader dies and B loses its disk. B and the stale
    /// follower A must not elect a leader (that would lose the writes); once
    /// the old leader is back, B rebuilds and nothing is lost.
    @Test func aWipedFollowerRebuildsAndNeverCountsTowardAQuorumWhileEmpty() async throws {
        try await withCluster { cluster in
            let leader = try await cluster.waitForLeader()
            let stale = (leader + 1) % 3
            let wiped = (leader + 2) % 3
            var written = try await Self.write(cluster, keys: 200, prefix: "before", writers: 4)
            try await cluster.kill(stale)
            written.merge(try await Self.write(cluster, keys: 300, prefix: "only-two", writers: 4)) { $1 }
            try await cluster.kill(leader)
            try await cluster.kill(wiped)
            try cluster.wipe(wiped)
            try await cluster.restart(wiped)
            try await cluster.restart(stale)
            try await Task.sleep(for: cluster.electionTimeout * 5)
            let statuses = await cluster.statuses(among: [stale, wiped])
            #expect(statuses.values.allSatisfy { $0.role != .leader }, "a leader was elected with an empty replica's vote: \(statuses)")
            #expect(statuses[wiped]?.role == .recovering)
            try await cluster.restart(leader)
            _ = try await cluster.waitForLeader()
            try await Self.expectConverged(cluster, holding: written)
            #expect(await cluster.statuses(among: [wiped])[wiped]?.role != .recovering)
        }
    }

    /// Issue 11's story, as an operator bringing a cluster up one machine at
    /// a time would: 0 and 2 start first (declared new) and acknowledge five
    /// writes; 0 dies; 2 loses its data directory and restarts (no longer
    /// declared new); 1 starts for the first time. The writes live on 0's
    /// disk alone: until 0 is back, 1 and 2 must serve nothing (never "not
    /// found"); then the cluster serves the five keys again, with no operator.
    @Test func emptyDisksNeverStartASecondClusterBesideALiveOne() async throws {
        let cluster = try await ProcessCluster(electionTimeoutMilliseconds: 600, logLevel: "notice", initialClusterState: "new",
                                               start: [0, 2])
        try await cluster.run { cluster in
            _ = try await cluster.waitForLeader(among: [0, 2])
            let written = try await Self.write(cluster, keys: 5, prefix: "k", writers: 1)
            #expect(written.count == 5)
            try await cluster.kill(0)
            try await cluster.kill(2)
            try cluster.wipe(2)
            try cluster.setInitialClusterState(nil, of: 2)
            try await cluster.restart(2)
            try await cluster.restart(1)
            try await Task.sleep(for: cluster.electionTimeout * 5)
            let waiting = await cluster.statuses(among: [1, 2])
            #expect(waiting.values.allSatisfy { $0.role != .leader }, "a cluster started beside the live one: \(waiting)")
            #expect(waiting[2]?.role == .recovering && waiting[2]?.recoveryReason != nil, "replica 2 says why it waits: \(waiting)")
            for replica in [1, 2] {
                let client = cluster.client(of: replica, timeout: .seconds(2))
                for key in written.keys {
                    for consistency in [ReadConsistency.linearizable, .local] {
                        do {
                            let value = try await client.get(Bytes(utf8: key), options: ReadOptions(consistency: consistency))
                            Issue.record("replica \(replica) answered a \(consistency) get of \(key) (found: \(value.value != nil)) with the only copy down")
                        } catch let error as KVError {
                            #expect(error.code == .unavailable || error.code == .timeout, "\(key) on replica \(replica): \(error)")
                        }
                    }
                }
                await client.shutdown()
            }
            try await cluster.restart(0)
            _ = try await cluster.waitForLeader()
            try await Self.expectConverged(cluster, holding: written)
            let ids = Set(await cluster.statuses().values.compactMap(\.clusterID))
            #expect(ids.count == 1, "one cluster id on every replica: \(ids)")
        }
    }

    // MARK: Helpers

    /// Puts `keys` distinct keys from `writers` concurrent clients; returns what was acknowledged.
    static func write(_ cluster: ProcessCluster, keys: Int, prefix: String, writers: Int) async throws -> [String: String] {
        try await withThrowingTaskGroup(of: [String: String].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let client = cluster.client(timeout: .seconds(10))
                    defer { Task { await client.shutdown() } }
                    var acknowledged: [String: String] = [:]
                    for i in stride(from: writer, to: keys, by: writers) {
                        let key = "\(prefix)-\(i)"
                        let value = "v\(i)-\(prefix)"
                        _ = try await client.put(Bytes(key.utf8), Bytes(value.utf8))
                        acknowledged[key] = value
                    }
                    return acknowledged
                }
            }
            var all: [String: String] = [:]
            for try await part in group { all.merge(part) { $1 } }
            return all
        }
    }

    /// Every replica applies the same index, reports the same digest, and
    /// holds every acknowledged write (read back from each replica locally).
    static func expectConverged(_ cluster: ProcessCluster, holding written: [String: String]) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var statuses: [Int: ReplicaStatus] = [:]
        while ContinuousClock.now < deadline {
            statuses = await cluster.statuses()
            let applied = Set(statuses.values.map(\.appliedIndex))
            let digests = Set(statuses.values.map(\.stateDigest))
            if statuses.count == 3, applied.count == 1, digests.count == 1, statuses.values.allSatisfy({ $0.role != .recovering }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(statuses.count == 3 && Set(statuses.values.map(\.stateDigest)).count == 1, "replicas did not converge: \(statuses)")
        for replica in 0..<3 {
            let held = try await scanAll(cluster, replica: replica)
            let missing = written.filter { held[$0.key] != $0.value }
            #expect(missing.isEmpty, "replica \(replica) lacks \(missing.count) acknowledged writes, e.g. \(missing.first.map { "\($0.key)" } ?? "")")
        }
    }

    /// A replica's whole key space, read locally page by page.
    static func scanAll(_ cluster: ProcessCluster, replica: Int) async throws -> [String: String] {
        let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [cluster.endpoints[replica]], defaultTimeout: .seconds(10)))
        defer { Task { await client.shutdown() } }
        var held: [String: String] = [:]
        var start: Bytes = []
        while true {
            let page = try await client.scan(from: start, limit: 5000)
            for entry in page.entries { held[String(decoding: entry.key, as: UTF8.self)] = String(decoding: entry.value, as: UTF8.self) }
            guard let next = page.continuation else { return held }
            start = next
        }
    }
}
