import RotorClient
import RotorModel
import RotorServer
import RotorStateMachine
import RotorTestSupport
import Testing

/// A standalone replica, driven through the real client over loopback TCP.
@Suite struct StandaloneServerTests {
    @Test func putGetDeleteRoundTrip() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                let key = Bytes(utf8: "greeting")
                #expect(try await client.get(key).value == nil)
                let put = try await client.put(key, Bytes(utf8: "hello"))
                let got = try await client.get(key)
                #expect(got.value == Bytes(utf8: "hello"))
                #expect(got.appliedIndex >= put.index)
                let deleted = try await client.delete(key)
                #expect(deleted.existed)
                #expect(deleted.index == put.index + 1)
                #expect(try await client.get(key).value == nil)
                #expect(try await client.delete(key).existed == false)
            }
        }
    }

    @Test func compareAndSetHonoursExpectedAndAbsent() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                let key = Bytes(utf8: "lock")
                let first = try await client.compareAndSet(key, expected: nil, newValue: Bytes(utf8: "a"))
                #expect(first.succeeded)
                let again = try await client.compareAndSet(key, expected: nil, newValue: Bytes(utf8: "b"))
                #expect(!again.succeeded)
                #expect(again.current == Bytes(utf8: "a"))
                let swap = try await client.compareAndSet(key, expected: Bytes(utf8: "a"), newValue: Bytes(utf8: "c"))
                #expect(swap.succeeded)
                #expect(try await client.get(key).value == Bytes(utf8: "c"))
            }
        }
    }

    @Test func scanPagesThroughARangeInByteOrder() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                for name in ["b", "a", "c", "ab", "d", "\u{00FF}"] { _ = try await client.put(Bytes(utf8: name), Bytes(utf8: name)) }
                let first = try await client.scan(from: Bytes(utf8: "a"), to: Bytes(utf8: "d"), limit: 2)
                #expect(first.entries.map(\.key) == [Bytes(utf8: "a"), Bytes(utf8: "ab")])
                let continuation = try #require(first.continuation)
                let second = try await client.scan(from: continuation, to: Bytes(utf8: "d"), limit: 10)
                #expect(second.entries.map(\.key) == [Bytes(utf8: "b"), Bytes(utf8: "c")])
                #expect(second.continuation == nil)
                let everything = try await client.scan(from: [], limit: 100)
                #expect(everything.entries.count == 6)
                #expect(everything.entries.last?.key == Bytes(utf8: "\u{00FF}"))
            }
        }
    }

    @Test func statusReportsTheStandaloneReplica() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "k"), Bytes(utf8: "v"))
                try await client.ping()
                let status = try await client.status()
                #expect(status.role == .standalone)
                #expect(status.lastIndex == 2, "the session's registration, then the put")
                #expect(status.commitIndex == 2)
                #expect(status.appliedIndex == 2)
                #expect(status.keyCount == 1)
                #expect(status.replicaCount == 1)
            }
        }
    }

    /// The digest is exactly that of the server's state at the applied index
    /// it reports: equal to the digest of a state machine here that applied
    /// the same writes, and changed by a write. No snapshot, no log.
    @Test func statusReportsTheDigestOfTheStateAtItsAppliedIndex() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                var mirror = KvStateMachine()
                let empty = try await client.status()
                #expect(empty.stateDigest == mirror.digest())
                #expect(empty.snapshotIndex == 0 && empty.logStartIndex == 1)
                var digests: Set<UInt64?> = [empty.stateDigest]
                let registered = try await client.registerSession()
                mirror.registerSession(index: registered.index)
                digests.insert(try await client.status().stateDigest)
                for (request, (key, value)) in [("a", "1"), ("b", "2"), ("a", "3")].enumerated() {
                    let session = ClientSession(clientID: registered.clientID, requestID: Int64(request + 1))
                    let put = PutRequest(key: Bytes(utf8: key), value: Bytes(utf8: value),
                                         options: WriteOptions(clientID: session.clientID, requestID: session.requestID))
                    guard case .put(let response) = try await client.call(.put(put)) else { Issue.record("not a put reply"); return }
                    _ = mirror.apply(index: response.index, command: .put(key: put.key, value: put.value), session: session)
                    let status = try await client.status()
                    #expect(status.appliedIndex == mirror.appliedIndex)
                    #expect(status.stateDigest == mirror.digest(), "after request \(request + 1)")
                    #expect(status.snapshotIndex == 0 && status.logStartIndex == status.lastIndex + 1)
                    digests.insert(status.stateDigest)
                }
                #expect(digests.count == 5, "the registration and every write changed the digest")
                #expect(try await client.status().stateDigest == mirror.digest(), "no write, same digest")
            }
        }
    }

    @Test func invalidKeysAndOversizeValuesAreRefusedWithTheirCodes() async throws {
        try await withServer(configure: { $0.limits = RequestLimits(maxKeyBytes: 8, maxValueBytes: 16, maxScanLimit: 5) }) { server in
            try await withClient(server) { client in
                #expect(await errorCode { () async throws(KVError) in try await client.put([], Bytes(utf8: "v")) } == .invalidArgument)
                #expect(await errorCode { () async throws(KVError) in try await client.put(Bytes(utf8: "too-long-key"), [1]) } == .tooLarge)
                #expect(await errorCode { () async throws(KVError) in
                    try await client.put(Bytes(utf8: "k"), Bytes(repeating: 1, count: 17))
                } == .tooLarge)
                #expect(await errorCode { () async throws(KVError) in try await client.scan(from: [], limit: 6) } == .invalidArgument)
                // Nothing was lost or half-applied, and the server still serves.
                #expect(try await client.status().keyCount == 0)
                _ = try await client.put(Bytes(utf8: "ok"), Bytes(repeating: 1, count: 16))
                #expect(try await client.get(Bytes(utf8: "ok")).value?.count == 16)
            }
        }
    }

    @Test func aRetriedWriteIsAppliedOnce() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                let key = Bytes(utf8: "x")
                let session = try await client.registerSession().clientID
                let first = ClientRequest.put(PutRequest(key: key, value: Bytes(utf8: "1"), options: WriteOptions(clientID: session, requestID: 7)))
                let original = try await client.call(first)
                _ = try await client.put(key, Bytes(utf8: "2"))
                // The retry answers with the original outcome and index, and does not overwrite "2".
                #expect(try await client.call(first) == original)
                #expect(try await client.get(key).value == Bytes(utf8: "2"))
                // Reusing the id for another command is refused rather than answered with the wrong result.
                let reuse = ClientRequest.delete(DeleteRequest(key: key, options: WriteOptions(clientID: session, requestID: 7)))
                #expect(await errorCode { () async throws(KVError) in try await client.call(reuse) } == .invalidArgument)
                // The same kind with another value too (the old code answered it with the cached success).
                let sameKind = ClientRequest.put(PutRequest(key: key, value: Bytes(utf8: "9"), options: WriteOptions(clientID: session, requestID: 7)))
                #expect(await errorCode { () async throws(KVError) in try await client.call(sameKind) } == .invalidArgument)
                #expect(try await client.get(key).value == Bytes(utf8: "2"))
                // A client id that was never registered: SESSION_EXPIRED, not applied.
                let stranger = ClientRequest.put(PutRequest(key: key, value: Bytes(utf8: "3"), options: WriteOptions(clientID: session + 1000, requestID: 1)))
                #expect(await errorCode { () async throws(KVError) in try await client.call(stranger) } == .sessionExpired)
                let negative = ClientRequest.put(PutRequest(key: key, value: Bytes(utf8: "3"), options: WriteOptions(clientID: -5, requestID: 1)))
                #expect(await errorCode { () async throws(KVError) in try await client.call(negative) } == .invalidArgument)
                #expect(try await client.get(key).value == Bytes(utf8: "2"))
            }
        }
    }

    @Test func minIndexBeyondTheAppliedStateIsUnavailable() async throws {
        try await withServer { server in
            // One connection, no client retries: this is what the replica itself answers.
            let connection = try await ClientConnection.connect(to: server.endpoint, on: server.group, timeout: .seconds(5)).get()
            let put = try await connection.send(.put(PutRequest(key: Bytes(utf8: "k"), value: Bytes(utf8: "v")))).get()
            guard case .put(let written) = put else { throw KVError.internalError("not a put reply") }
            let reached = try await connection.send(.get(GetRequest(key: Bytes(utf8: "k"), options: ReadOptions(minIndex: written.index)))).get()
            #expect(reached == .get(GetResponse(value: Bytes(utf8: "v"), appliedIndex: written.index)))
            let code: ErrorCode?
            do {
                _ = try await connection.send(.get(GetRequest(key: Bytes(utf8: "k"), options: ReadOptions(minIndex: written.index + 10)))).get()
                code = nil
            } catch let error as KVError {
                code = error.code
            }
            #expect(code == .unavailable)
            await connection.close()
        }
    }

    @Test func aOneMebibyteValueRoundTrips() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                let value = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                _ = try await client.put(Bytes(utf8: "big"), value)
                #expect(try await client.get(Bytes(utf8: "big")).value == value)
            }
        }
    }

    @Test func manyConcurrentCallersShareTheConnection() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<32 {
                        group.addTask {
                            for i in 0..<50 {
                                let key = Bytes(utf8: "w\(worker)-\(i)")
                                _ = try await client.put(key, key)
                                #expect(try await client.get(key).value == key)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                #expect(try await client.status().keyCount == 32 * 50)
            }
        }
    }
}
