import NIOCore
import NIOPosix
import RotorClient
import RotorModel
import RotorServer
import RotorTestSupport
import Testing

/// Answers every write with NOT_LEADER naming another replica, as a follower would.
struct RedirectingService: RequestHandler {
    let leader: Endpoint

    func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        if request.isWrite {
            reply(.failure(KVError(.notLeader, "not the leader", leaderHint: 1, leaderEndpoint: leader.description)))
        } else {
            reply(.success(.ping))
        }
    }
}

/// What the Swift client promises: redirects, failover, reconnects, deadlines.
@Suite struct ClientBehaviourTests {
    @Test func followsNotLeaderToTheHintedReplica() async throws {
        try await withServer { leader in
            try await withServer(service: RedirectingService(leader: leader.endpoint)) { follower in
                let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [follower.endpoint]), group: follower.group)
                let put = try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v"))
                #expect(put.index == 2, "index 1 registered the client's session")
                await client.shutdown()
                let stored = try await withClient(leader) { direct in try await direct.get(Bytes(utf8: "k")).value }
                #expect(stored == Bytes(utf8: "v"))
            }
        }
    }

    @Test func skipsAnEndpointThatIsDown() async throws {
        try await withServer { live in
            let dead = Endpoint(host: "127.0.0.1", port: try await freePort())
            let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [dead, live.endpoint]), group: live.group)
            _ = try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v"))
            #expect(try await client.get(Bytes(utf8: "k")).value == Bytes(utf8: "v"))
            await client.shutdown()
        }
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        let first = try await TestServer.start()
        let port = first.endpoint.port
        let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [first.endpoint], defaultTimeout: .seconds(10)))
        _ = try await client.put(Bytes(utf8: "before"), Bytes(utf8: "1"))
        await first.stop()
        let second = try await TestServer.start(port: port)
        // Same address, new process state: the client notices the dead connection and dials again.
        // The in-memory replica forgot the session: that write is refused, not applied, and the
        // client registers a new session for the next one.
        let refused = await errorCode { () async throws(KVError) in _ = try await client.put(Bytes(utf8: "after"), Bytes(utf8: "2")) }
        #expect(refused == .sessionExpired)
        #expect(try await client.get(Bytes(utf8: "after")).value == nil)
        let put = try await client.put(Bytes(utf8: "after"), Bytes(utf8: "3"))
        #expect(put.index == 3, "the refused write consumed index 1 unapplied; index 2 registered the new session")
        await client.shutdown()
        await second.stop()
    }

    @Test func aDeadlineEndsTheCallButNotTheConnection() async throws {
        let service = HeldWritesService()
        try await withServer(service: service) { server in
            try await withClient(server) { client in
                let code = await errorCode { () async throws(KVError) in
                    try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v"), timeout: .milliseconds(200))
                }
                #expect(code == .timeout)
                // The late reply arrives and is dropped; the next call on the same connection is answered correctly.
                service.releaseAllInReverse()
                try await client.ping()
            }
        }
    }
}

/// A loopback port with nothing listening on it: bound to learn it, then released.
func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress!.port!
    try await channel.close()
    return port
}
