import NIOCore
import RotorClient
import RotorConsensus
import RotorModel
import RotorServer
import RotorTestSupport
import RotorWire
import Testing

/// `[security] client_token`: client RPCs only after `authenticate` with it.
@Suite struct ClientTokenTests {
    static let token = "client-token-of-the-test"
    let codec = ThriftMessageCodec()

    func withToken(_ configuration: inout ServerConfiguration) {
        configuration.security.clientToken = Self.token
    }

    func failureCode(_ outcome: Result<ClientResponse, KVError>) -> ErrorCode? {
        if case .failure(let error) = outcome { return error.code }
        return nil
    }

    /// The error a call fails with, or nil.
    func failure<T>(_ body: () async throws(KVError) -> T) async -> KVError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test func callsWithoutAuthenticateAreRefused() async throws {
        try await withServer(configure: withToken) { server in
            try await withClient(server) { client in
                let error = await failure { () async throws(KVError) in try await client.get(Bytes(utf8: "k")) }
                #expect(error?.code == .unauthorized)
                #expect(error?.message.contains("call authenticate with the client token first") == true)
                #expect(await errorCode { () async throws(KVError) in try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v")) } == .unauthorized)
                #expect(await errorCode { () async throws(KVError) in try await client.ping() } == .unauthorized)
                #expect(await errorCode { () async throws(KVError) in try await client.status() } == .unauthorized)
            }
        }
    }

    /// A wrong token is refused at once (UNAUTHORIZED is not retried), with the server's reason.
    @Test func wrongTokenIsRefused() async throws {
        try await withServer(configure: withToken) { server in
            try await withClient(server, timeout: .seconds(30), token: "not-the-token") { client in
                let started = ContinuousClock.now
                let error = await failure { () async throws(KVError) in try await client.get(Bytes(utf8: "k")) }
                #expect(error?.code == .unauthorized)
                #expect(error?.message.contains("refused the client token") == true)
                #expect(error?.message.contains("not-the-token") == false)
                #expect(ContinuousClock.now - started < .seconds(10))
            }
        }
    }

    @Test func clientWithTheTokenWorks() async throws {
        try await withServer(configure: withToken) { server in
            try await withClient(server, token: Self.token) { client in
                let put = try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v"))
                #expect(try await client.get(Bytes(utf8: "k")).value == Bytes(utf8: "v"))
                #expect(try await client.scan(from: [], limit: 10).entries.count == 1)
                try await client.ping()
                #expect(try await client.status().lastIndex >= put.index)
                #expect(try await client.status(of: server.endpoint).lastIndex >= put.index)  // its own connection
            }
        }
    }

    /// `rotorkv bench` drives `ClientConnection` directly.
    @Test func connectionWithTheTokenAuthenticatesBeforeItsFirstCall() async throws {
        try await withServer(configure: withToken) { server in
            let good = try await ClientConnection.connect(to: server.endpoint, on: server.group, timeout: .seconds(5), clientToken: Self.token).get()
            let calls = try await good.eventLoop.submit {
                (0..<4).map { i in good.sendWithoutFlush(.put(PutRequest(key: Bytes(utf8: "b\(i)"), value: []))) } + [good.sendWithoutFlush(.ping)]
            }.get()
            good.flush()
            for call in calls { _ = try await call.get() }
            await good.close()

            let bare = try await ClientConnection.connect(to: server.endpoint, on: server.group, timeout: .seconds(5)).get()
            await #expect(throws: KVError.self) { try await bare.send(.ping).get() }
            await bare.close()
        }
    }

    /// authenticate is per connection, and a failed one logs the connection out again.
    @Test func authenticateOnARawConnection() async throws {
        try await withServer(configure: withToken) { server in
            let get = ClientRequest.get(GetRequest(key: Bytes(utf8: "missing")))
            let replies = try await exchange(server, [
                .call(get, seqid: 1, codec: codec),
                .authenticate("wrong", seqid: 2, codec: codec),
                .authenticate(Self.token, seqid: 3, codec: codec),
                .call(get, seqid: 4, codec: codec),
                .authenticate("", seqid: 5, codec: codec),
                .call(get, seqid: 6, codec: codec),
            ])
            #expect(try failureCode(codec.decodeReply(replies[0], method: .get, seqid: 1)) == .unauthorized)
            #expect(throws: KVError(.unauthorized, "wrong client token")) { try codec.decodeAuthenticateReply(replies[1], seqid: 2).get() }
            #expect(throws: Never.self) { try codec.decodeAuthenticateReply(replies[2], seqid: 3).get() }
            #expect(try failureCode(codec.decodeReply(replies[3], method: .get, seqid: 4)) == nil)
            #expect(throws: KVError.self) { try codec.decodeAuthenticateReply(replies[4], seqid: 5).get() }
            #expect(try failureCode(codec.decodeReply(replies[5], method: .get, seqid: 6)) == .unauthorized)
        }
    }

    @Test func withoutATokenConfiguredEverythingWorksAsBefore() async throws {
        try await withServer { server in
            let replies = try await exchange(server, [
                .authenticate("anything", seqid: 1, codec: codec),
                .call(.ping, seqid: 2, codec: codec),
            ])
            #expect(throws: Never.self) { try codec.decodeAuthenticateReply(replies[0], seqid: 1).get() }
            #expect(try codec.decodeReply(replies[1], method: .ping, seqid: 2) == .success(.ping))
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "a"), Bytes(utf8: "1"))
            }
            try await withClient(server, token: "unneeded") { client in
                let value = try await client.get(Bytes(utf8: "a")).value
                #expect(value == Bytes(utf8: "1"))
            }
        }
    }

    /// Consensus RPCs carry their own proof; the client token does not gate them.
    @Test func consensusRPCsAreNotGatedByTheClientToken() async throws {
        let handler = RecordingPeerHandler()
        let call = PeerCall.commitNotification(CommitNotification(term: 2, leaderID: 2, commitIndex: 0, round: 1))
        try await withServer(peerHandler: handler, configure: { configuration in
            configuration.security = SecuritySettings(clusterSecret: "s", clientToken: Self.token)
        }) { server in
            let proof = ClusterAuthenticator(secret: "s").proof(for: call)
            let replies = try await exchange(server, [.peerCall(call, proof: proof, seqid: 1, codec: codec)])
            #expect(try codec.decodePeerReply(replies[0], method: .commitNotification, seqid: 1) == .success(RecordingPeerHandler.reply(to: call)))
            #expect(handler.received == [call])
        }
    }
}
