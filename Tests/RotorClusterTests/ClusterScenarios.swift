import Foundation
import NIOConcurrencyHelpers
import RotorClient
import RotorConsensus
import RotorModel
import RotorTestSupport
import RotorWire
import Testing

/// Scenario bodies shared by the in-process and the multi-process cluster
/// tests: each asserts only what clients and peers can observe.
enum ClusterScenarios {
    static func bytes(_ text: String) -> Bytes { Bytes(text.utf8) }

    /// A put through each replica (two of them followers) is readable with
    /// `min_index` from every replica, and LINEARIZABLE from any.
    static func writesThroughEveryReplicaAreReadableEverywhere(_ cluster: any ClusterHarness) async throws {
        _ = try await cluster.waitForLeader()
        for writer in 0..<3 {
            let key = bytes("via-\(writer)")
            let value = bytes("value-\(writer)")
            let client = cluster.client(of: writer)
            let put = try await client.put(key, value)
            await client.shutdown()
            for reader in 0..<3 {
                let client = cluster.client(of: reader)
                let local = try await client.get(key, options: ReadOptions(consistency: .local, minIndex: put.index))
                #expect(local.value == value, "replica \(reader) with min_index \(put.index)")
                #expect(local.appliedIndex >= put.index)
                let linearizable = try await client.get(key, options: ReadOptions(consistency: .linearizable))
                #expect(linearizable.value == value, "LINEARIZABLE through replica \(reader)")
                await client.shutdown()
            }
        }
    }

    /// `kill -9` the leader under a steady write load: a new leader serves
    /// within 3 election timeouts, writes resume, and every acknowledged write
    /// is still there. Returns the killed replica and what was acknowledged.
    @discardableResult
    static func leaderLossUnderLoad(_ cluster: any ClusterHarness) async throws -> (killed: Int, acknowledged: [Bytes: Bytes]) {
        try await cluster.waitForHealthy()
        let leader = try await cluster.waitForLeader()
        let load = WriteLoad(cluster, writers: 4)
        try await load.waitForAcknowledged(atLeast: 40)
        let killedAt = ContinuousClock.now
        try await cluster.kill(leader)
        let survivors = (0..<3).filter { $0 != leader }
        let newLeader = try await cluster.waitForLeader(among: survivors)
        let probe = cluster.client(of: newLeader)
        _ = try await probe.put(bytes("probe-after-failover"), bytes("1"))
        await probe.shutdown()
        let failover = ContinuousClock.now - killedAt
        #expect(failover <= cluster.electionTimeout * 3, "a new leader served \(failover) after the kill")
        let before = load.acknowledgedCount
        try await load.waitForAcknowledged(atLeast: before + 40)
        let acknowledged = await load.stop()
        try await expectReadable(acknowledged, through: cluster.client(timeout: .seconds(10)))
        return (leader, acknowledged)
    }

    /// The killed replica restarts, catches up, and serves all committed data locally.
    static func restartedReplicaCatchesUp(_ cluster: any ClusterHarness, killed: Int, acknowledged: [Bytes: Bytes]) async throws {
        try await cluster.restart(killed)
        let commit = await cluster.statuses().values.map(\.commitIndex).max() ?? 0
        try await cluster.waitForApplied(killed, commit)
        let client = cluster.client(of: killed)
        for (key, value) in acknowledged {
            let local = try await client.get(key)
            #expect(local.value == value, "replica \(killed) after its restart")
        }
        await client.shutdown()
    }

    /// Killing two replicas leaves no majority: writes fail with UNAVAILABLE
    /// within their deadline and nothing hangs. One back, and the cluster serves.
    static func twoReplicasDown(_ cluster: any ClusterHarness) async throws {
        try await cluster.waitForHealthy()
        let survivor = try await cluster.waitForLeader()
        let victims = (0..<3).filter { $0 != survivor }
        for victim in victims { try await cluster.kill(victim) }
        try await Task.sleep(for: cluster.electionTimeout * 1.5)  // the fault lasts long enough for the leader to notice
        let deadline = Duration.seconds(4)
        let client = cluster.client(of: survivor, timeout: deadline)
        let started = ContinuousClock.now
        let code = await errorCode { () async throws(KVError) in try await client.put(bytes("no-quorum"), bytes("x")) }
        let took = ContinuousClock.now - started
        await client.shutdown()
        #expect(code == .unavailable, "a write without a majority")
        #expect(took <= deadline + .seconds(1), "the write failed after \(took)")
        try await cluster.restart(victims[0])
        let recovered = cluster.client(timeout: .seconds(20))
        _ = try await recovered.put(bytes("quorum-again"), bytes("y"))
        let read = try await recovered.get(bytes("quorum-again"), options: ReadOptions(consistency: .linearizable))
        #expect(read.value == bytes("y"))
        #expect(try await recovered.get(bytes("no-quorum"), options: ReadOptions(consistency: .linearizable)).value == nil)
        await recovered.shutdown()
    }

    /// An `appendEntry` without the cluster secret, with another cluster's
    /// secret, or with a proof lifted from another term is refused with
    /// UNAUTHORIZED, and the cluster carries on unharmed.
    static func forgedConsensusCallsAreRefused(_ cluster: any ClusterHarness) async throws {
        let leader = try await cluster.waitForLeader()
        let before = await cluster.statuses()
        let target = (leader + 1) % 3
        let honest = AppendEntries(term: before[leader]!.term, leaderID: leader, prevIndex: 0, prevTerm: 0,
                                   entries: [LogEntry(index: 1, term: 999, data: bytes("evil"), timestamp: 0)],
                                   leaderCommit: 1, termStartIndex: 1)
        var forged = honest
        forged.term = 1_000_000
        let stolenProof = ClusterAuthenticator(secret: cluster.secret).proof(for: .appendEntry(honest))
        let attempts: [(String, PeerCall, [UInt8]?)] = [
            ("no proof", .appendEntry(forged), nil),
            ("another cluster's secret", .appendEntry(forged), ClusterAuthenticator(secret: "another-cluster-secret-0000").proof(for: .appendEntry(forged))),
            ("a proof of another term", .appendEntry(forged), stolenProof),
            ("a forged heartbeat", .commitNotification(CommitNotification(term: 1_000_000, leaderID: leader, commitIndex: 99, round: 1)), nil),
        ]
        for (what, call, proof) in attempts {
            let reply = try await RawPeer.call(call, proof: proof, to: cluster.endpoints[target])
            guard case .failure(let error) = reply else {
                Issue.record("\(what) was accepted: \(reply)")
                continue
            }
            #expect(error.code == .unauthorized, "\(what)")
        }
        let after = await cluster.statuses()
        for (id, status) in after {
            #expect(status.term == before[id]?.term, "replica \(id) kept its term")
        }
        let client = cluster.client()
        _ = try await client.put(bytes("after-forgery"), bytes("fine"))
        #expect(try await client.get(bytes("after-forgery"), options: ReadOptions(consistency: .linearizable)).value == bytes("fine"))
        await client.shutdown()
    }

    /// Replicas that applied the same index report the same state digest,
    /// and a write changes it. Each reports the snapshot it holds and where
    /// its log starts (the cluster snapshots every `snapshotEveryEntries`
    /// entries and keeps `retainedEntries` behind a snapshot it took).
    static func replicasReportOneDigestAtOneAppliedIndex(_ cluster: any ClusterHarness, snapshotEveryEntries: Int64,
                                                         retainedEntries: Int64) async throws {
        let leader = try await cluster.waitForLeader()
        let client = cluster.client(of: leader)
        var index: Int64 = 0
        for write in 0..<(3 * snapshotEveryEntries) {
            index = try await client.put(bytes("key-\(write % 7)"), bytes("value-\(write)")).index
        }
        // Snapshots are taken in the background: wait for every replica's first.
        let before = try await statusesAtOneAppliedIndex(cluster, atLeast: index) {
            $0.snapshotIndex ?? 0 >= snapshotEveryEntries
        }
        try expectOneDigest(before)
        for (id, status) in before {
            let snapshot = try #require(status.snapshotIndex), start = try #require(status.logStartIndex)
            // Its own snapshot keeps `retainedEntries` behind it; one installed from the leader keeps none.
            #expect(start >= snapshot - retainedEntries + 1 && start <= snapshot + 1,
                    "replica \(id): log starts at \(start), snapshot through \(snapshot)")
            #expect(start <= status.lastIndex + 1 && snapshot <= status.appliedIndex, "replica \(id)")
        }

        index = try await client.put(bytes("key-0"), bytes("changed")).index
        let after = try await statusesAtOneAppliedIndex(cluster, atLeast: index) { _ in true }
        try expectOneDigest(after)
        #expect(after[leader]?.stateDigest != before[leader]?.stateDigest, "a write changed the digest")
        await client.shutdown()
    }

    /// Every replica's status, once all of them answer at one applied index of
    /// at least `index` and satisfy `ready`. Their digests are not waited for:
    /// they are what the caller checks.
    static func statusesAtOneAppliedIndex(_ cluster: any ClusterHarness, atLeast index: Int64,
                                                  within limit: Duration = .seconds(30),
                                                  ready: (ReplicaStatus) -> Bool) async throws -> [Int: ReplicaStatus] {
        let deadline = ContinuousClock.now + limit
        var statuses: [Int: ReplicaStatus] = [:]
        while ContinuousClock.now < deadline {
            statuses = await cluster.statuses()
            let applied = Set(statuses.values.map(\.appliedIndex))
            if statuses.count == cluster.endpoints.count, applied.count == 1, applied.first! >= index, statuses.values.allSatisfy(ready) {
                return statuses
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("the replicas did not reach one applied index of at least \(index) within \(limit): \(statuses)")
    }

    static func expectOneDigest(_ statuses: [Int: ReplicaStatus]) throws {
        let digests = try statuses.mapValues { try #require($0.stateDigest, "replica \($0.replicaID) reports no digest") }
        #expect(Set(digests.values).count == 1, "replicas at applied index \(statuses.first!.value.appliedIndex) diverged: \(digests)")
    }

    static func expectReadable(_ acknowledged: [Bytes: Bytes], through client: RotorKVClient) async throws {
        for (key, value) in acknowledged {
            let read = try await client.get(key, options: ReadOptions(consistency: .linearizable))
            #expect(read.value == value, "acknowledged write of \(String(decoding: key, as: UTF8.self)) lost")
        }
        await client.shutdown()
    }
}

/// Clients writing unique keys as fast as the cluster takes them; remembers
/// every acknowledged write. A failed write is retried under a new key (its
/// outcome is unknown, so it is not remembered).
final class WriteLoad: Sendable {
    private let acknowledged = NIOLockedValueBox<[Bytes: Bytes]>([:])
    private let tasks: [Task<Void, Never>]

    init(_ cluster: any ClusterHarness, writers: Int) {
        let acknowledged = self.acknowledged
        tasks = (0..<writers).map { writer in
            Task {
                let client = cluster.client(timeout: .seconds(5))
                var sequence = 0
                while !Task.isCancelled {
                    sequence += 1
                    let key = ClusterScenarios.bytes("load-\(writer)-\(sequence)")
                    let value = ClusterScenarios.bytes("v\(sequence)")
                    if (try? await client.put(key, value)) != nil {
                        acknowledged.withLockedValue { $0[key] = value }
                    } else {
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
                await client.shutdown()
            }
        }
    }

    var acknowledgedCount: Int { acknowledged.withLockedValue { $0.count } }

    func waitForAcknowledged(atLeast count: Int, within limit: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + limit
        while acknowledgedCount < count {
            guard ContinuousClock.now < deadline else { throw ClusterTestError("only \(acknowledgedCount) of \(count) writes acknowledged within \(limit)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async -> [Bytes: Bytes] {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        return acknowledged.withLockedValue { $0 }
    }
}
