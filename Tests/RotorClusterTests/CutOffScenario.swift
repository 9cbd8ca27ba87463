import Foundation
import NIOCore
import NIOPosix
import RotorClient
import RotorModel
import RotorTestSupport
import Testing

extension ClusterScenarios {
    /// Issue 11, item 6: a follower cut off from the others (`injectFault`,
    /// both ways) must not hold clients until their deadline.
    /// - A `min_index` read already parked on it when it is cut off is
    ///   answered UNAVAILABLE once it has gone an election timeout without
    ///   the leader, well before the request timeout.
    /// - From then on it answers a write and a `min_index` read at once with
    ///   UNAVAILABLE and the leader as hint (no forwarding, nothing applied).
    /// - A client of all three replicas that tries the cut-off one first
    ///   completes its writes and `min_index` reads, each well within a
    ///   deadline shorter than the server's request timeout.
    /// Healed, the follower catches up.
    static func cutOffFollowerAnswersAtOnce(_ cluster: any ClusterHarness) async throws {
        try await cluster.waitForHealthy()
        let leader = try await cluster.waitForLeader()
        let follower = (leader + 1) % 3
        let requestTimeout = cluster.electionTimeout * 3  // request_timeout_ms in clusterConfiguration
        let writer = cluster.client(of: leader, timeout: .seconds(10))
        _ = try await writer.put(bytes("before-cut"), bytes("1"))
        try await cluster.isolate(follower)
        let missed = try await writer.put(bytes("during-cut"), bytes("2")).index  // the follower never gets it
        let raw = try await RawClient(cluster.endpoints[follower], token: cluster.clientToken)
        let readMissed = GetRequest(key: bytes("during-cut"), options: ReadOptions(consistency: .local, minIndex: missed))

        // Parked before the follower notices: answered once it does, not at the deadline.
        let parkedStart = ContinuousClock.now
        let parked = await raw.error(.get(readMissed), within: .seconds(30))
        #expect(parked?.code == .unavailable, "the parked read ended \(String(describing: parked))")
        #expect(ContinuousClock.now - parkedStart < requestTimeout * 0.8, "the parked read was held \(ContinuousClock.now - parkedStart)")

        // Now it knows: a write and a min_index read are refused at once, with the leader named.
        for request in [ClientRequest.put(PutRequest(key: bytes("on-the-cut-off"), value: bytes("x"))), .get(readMissed)] {
            let start = ContinuousClock.now
            let error = await raw.error(request, within: .seconds(30))
            #expect(error?.code == .unavailable, "\(request.method) ended \(String(describing: error))")
            #expect(error?.leaderHint == Int32(leader), "the refusal names the leader: \(String(describing: error))")
            #expect(ContinuousClock.now - start < requestTimeout * 0.5, "\(request.method) was held \(ContinuousClock.now - start)")
        }
        await raw.close()

        // A client of the whole cluster, the cut-off replica first, moves on at once.
        let order = (0..<3).map { cluster.endpoints[($0 + follower) % 3] }
        let fanOut = RotorKVClient(configuration: ClientConfiguration(endpoints: order, defaultTimeout: requestTimeout * 0.5,
                                                                      clientToken: cluster.clientToken))
        var last = missed
        for n in 0..<10 {
            last = try await fanOut.put(bytes("fan-out-\(n)"), bytes("\(n)")).index
            let read = try await fanOut.get(bytes("fan-out-\(n)"), options: ReadOptions(consistency: .local, minIndex: last))
            #expect(read.value == bytes("\(n)"))
        }
        await fanOut.shutdown()

        try await cluster.heal()
        try await cluster.waitForApplied(follower, last)
        #expect(try await writer.get(bytes("on-the-cut-off"), options: ReadOptions(consistency: .linearizable)).value == nil,
                "the write the cut-off replica refused was applied")
        await writer.shutdown()
    }
}

/// One connection to one replica, no retries: what it answers is what the test sees.
struct RawClient {
    let connection: ClientConnection
    let group: MultiThreadedEventLoopGroup

    init(_ endpoint: Endpoint, token: String?) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        connection = try await ClientConnection.connect(to: endpoint, on: group, timeout: .seconds(2), maxFrameBytes: 1 << 20,
                                                        clientToken: token).get()
    }

    /// The error `request` ends with (nil if it succeeded).
    func error(_ request: ClientRequest, within limit: Duration) async -> KVError? {
        do {
            _ = try await connection.send(request, deadline: .now() + .nanoseconds(Int64(limit.components.seconds) * 1_000_000_000)).get()
            return nil
        } catch {
            return error as? KVError ?? .unavailable("\(error)")
        }
    }

    func close() async {
        await connection.close()
        try? await group.shutdownGracefully()
    }
}

extension ClusterScenarios {
    /// A leader that can send but not hear (`drop_from` both followers on the
    /// leader, `drop_to` it on them): it loses its majority, goes quiet, and
    /// the followers elect one of themselves, which serves a client of all
    /// three replicas. Without going quiet its heartbeats kept the followers
    /// loyal and nothing committed until the heal.
    static func deafLeaderIsReplaced(_ cluster: any ClusterHarness) async throws {
        try await cluster.waitForHealthy()
        let old = try await cluster.waitForLeader()
        let others = (0..<3).filter { $0 != old }
        try await cluster.injectFault(at: old, dropTo: [], dropFrom: others)
        for other in others { try await cluster.injectFault(at: other, dropTo: [old], dropFrom: []) }
        let newLeader = try await cluster.waitForLeader(among: others, within: cluster.electionTimeout * 10)
        #expect(others.contains(newLeader))
        let client = cluster.client(timeout: cluster.electionTimeout * 3)
        let written = try await client.put(bytes("after-deafness"), bytes("1"))
        await client.shutdown()
        try await cluster.heal()
        try await cluster.waitForApplied(old, written.index)
    }
}
