import NIOCore
import RotorClient
import RotorModel
import RotorServer
import RotorWire
import Testing

/// Misbehaving clients get a clear error or a closed connection, and the
/// server goes on serving everyone else with nothing lost.
@Suite struct HostileClientTests {
    /// After each hostile act, a well-behaved client still reads what was written before it.
    func expectStillServing(_ server: TestServer, _ client: RotorKVClient) async throws {
        #expect(try await client.get(Bytes(utf8: "canary")).value == Bytes(utf8: "alive"))
    }

    static let hostileInputs: [(String, ByteBuffer)] = {
        var negative = ByteBuffer()
        negative.writeInteger(Int32(-1))
        negative.writeBytes([1, 2, 3, 4])
        var huge = ByteBuffer()
        huge.writeInteger(UInt32(1 << 30))
        huge.writeBytes([1, 2, 3, 4])
        var random = ByteBuffer()
        var state: UInt64 = 12345
        for _ in 0..<4096 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            random.writeInteger(UInt8(truncatingIfNeeded: state >> 33))
        }
        var wrongVersion = ByteBuffer()
        wrongVersion.writeInteger(UInt32(0x8002_0001))
        wrongVersion.writeInteger(UInt32(3))
        wrongVersion.writeString("get")
        wrongVersion.writeInteger(Int32(1))
        wrongVersion.writeInteger(UInt8(0))
        var garbageFrame = ByteBuffer()
        garbageFrame.writeInteger(UInt32(5))
        garbageFrame.writeBytes([0xde, 0xad, 0xbe, 0xef, 0x00])
        return [("negative frame length", negative), ("1 GiB frame length", huge), ("random bytes", random),
                ("wrong protocol version", .frame(wrongVersion)), ("garbage inside a frame", garbageFrame)]
    }()

    @Test(arguments: 0..<hostileInputs.count)
    func hostileBytesCloseOnlyThatConnection(_ index: Int) async throws {
        let (_, bytes) = Self.hostileInputs[index]
        try await withServer { server in
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "canary"), Bytes(utf8: "alive"))
                let raw = try await RawConnection.open(server.endpoint, group: server.group)
                let outcome = try await raw.exchange(bytes, expectFrames: 1)
                #expect(outcome.closed)
                try await expectStillServing(server, client)
            }
        }
    }

    @Test func unknownMethodIsAnsweredAndTheConnectionStaysUsable() async throws {
        try await withServer { server in
            let codec = ThriftMessageCodec()
            var bytes = ByteBuffer()
            var unknown = ByteBuffer()
            unknown.writeInteger(UInt32(0x8001_0001))
            unknown.writeInteger(UInt32(6))
            unknown.writeString("launch")
            unknown.writeInteger(Int32(11))
            unknown.writeInteger(UInt8(0))
            var framed = ByteBuffer.frame(unknown)
            bytes.writeBuffer(&framed)
            var ping = ByteBuffer.call(.ping, seqid: 12, codec: codec)
            bytes.writeBuffer(&ping)
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            let outcome = try await raw.exchange(bytes, expectFrames: 2)
            try #require(outcome.frames.count == 2)
            #expect(throws: WireError.applicationException(type: ApplicationExceptionType.unknownMethod.rawValue, message: "unknown method launch")) {
                try codec.decodeReply(outcome.frames[0], method: .get, seqid: 11)
            } 
            #expect(try codec.decodeReply(outcome.frames[1], method: .ping, seqid: 12) == .success(.ping))
        }
    }

    @Test func invalidArgumentsGetAProtocolErrorAndTheConnectionStaysUsable() async throws {
        try await withServer { server in
            let codec = ThriftMessageCodec()
            var put = ByteBuffer()  // a put whose request lacks the required value
            put.writeInteger(UInt32(0x8001_0001))
            put.writeInteger(UInt32(3))
            put.writeString("put")
            put.writeInteger(Int32(21))
            put.writeInteger(UInt8(12)); put.writeInteger(Int16(1))
            put.writeInteger(UInt8(11)); put.writeInteger(Int16(1)); put.writeInteger(Int32(1)); put.writeInteger(UInt8(65))
            put.writeInteger(UInt8(0))
            put.writeInteger(UInt8(0))
            var bytes = ByteBuffer.frame(put)
            var ping = ByteBuffer.call(.ping, seqid: 22, codec: codec)
            bytes.writeBuffer(&ping)
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            let outcome = try await raw.exchange(bytes, expectFrames: 2)
            try #require(outcome.frames.count == 2)
            #expect {
                try codec.decodeReply(outcome.frames[0], method: .put, seqid: 21)
            } throws: { error in
                guard case WireError.applicationException(let type, _) = error else { return false }
                return type == ApplicationExceptionType.protocolError.rawValue
            }
            #expect(try codec.decodeReply(outcome.frames[1], method: .ping, seqid: 22) == .success(.ping))
        }
    }

    /// `call` (a LINEARIZABLE read) with its ReadOptions.consistency, the only
    /// i32 field 1 holding 1 in it, set to `value` instead: what a client of
    /// another language could send, since Thrift does not check enums.
    static func withConsistency(_ value: Int32, in call: ByteBuffer) throws -> ByteBuffer {
        var bytes = Array(call.readableBytesView)
        let field: [UInt8] = [8, 0, 1, 0, 0, 0, 1]  // type i32, id 1, value 1
        let at = try #require((0...(bytes.count - field.count)).first { Array(bytes[$0..<($0 + field.count)]) == field })
        withUnsafeBytes(of: value.bigEndian) { bytes.replaceSubrange((at + 3)..<(at + 7), with: $0) }
        return ByteBuffer(bytes: bytes)
    }

    /// An undefined ReadConsistency (77 on a get, -1 on a scan) is answered with
    /// INVALID_ARGUMENT naming the field and the value, not served as some
    /// other consistency; the connection stays usable.
    @Test func anOutOfRangeEnumIsInvalidArgumentNamingTheField() async throws {
        try await withServer { server in
            let codec = ThriftMessageCodec()
            let linearizable = ReadOptions(consistency: .linearizable)
            var bytes = try Self.withConsistency(77, in: .call(.get(GetRequest(key: Bytes(utf8: "k"), options: linearizable)), seqid: 31, codec: codec))
            var scan = try Self.withConsistency(-1, in: .call(.scan(ScanRequest(startKey: [], limit: 5, options: linearizable)), seqid: 32, codec: codec))
            bytes.writeBuffer(&scan)
            var ping = ByteBuffer.call(.ping, seqid: 33, codec: codec)
            bytes.writeBuffer(&ping)
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            let outcome = try await raw.exchange(bytes, expectFrames: 3)
            try #require(outcome.frames.count == 3)
            for (frame, method, seqid, value) in [(outcome.frames[0], ClientRequest.Method.get, Int32(31), "77"),
                                                  (outcome.frames[1], .scan, 32, "-1")] {
                guard case .failure(let error) = try codec.decodeReply(frame, method: method, seqid: seqid) else {
                    Issue.record("\(method) with consistency \(value) was served")
                    continue
                }
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("ReadOptions.consistency is \(value)"), "got: \(error.message)")
            }
            #expect(try codec.decodeReply(outcome.frames[2], method: .ping, seqid: 33) == .success(.ping))
        }
    }

    @Test func aClientThatDisconnectsMidRequestHarmsNoOne() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "canary"), Bytes(utf8: "alive"))
                let codec = ThriftMessageCodec()
                let whole = ByteBuffer.call(.put(PutRequest(key: Bytes(utf8: "half"), value: Bytes(utf8: "written"))), seqid: 1, codec: codec)
                let half = whole.getSlice(at: 0, length: whole.readableBytes / 2)!
                let raw = try await RawConnection.open(server.endpoint, group: server.group)
                _ = try await raw.exchange(half, expectFrames: 0, closeAfterSending: true)
                try await expectStillServing(server, client)
                #expect(try await client.get(Bytes(utf8: "half")).value == nil)
            }
        }
    }

    @Test func aThousandConnectionsOpenedAndDropped() async throws {
        try await withServer { server in
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "canary"), Bytes(utf8: "alive"))
                for _ in 0..<1000 {
                    let raw = try await RawConnection.open(server.endpoint, group: server.group)
                    try await raw.channel.channel.close()
                }
                try await expectStillServing(server, client)
                // Every dropped connection is released: only the client's own remains.
                try await eventually { server.server.connectionCount == 1 }
            }
        }
    }

    @Test func pipelinedCallsAreAnsweredInOrder() async throws {
        try await withServer { server in
            let codec = ThriftMessageCodec()
            var bytes = ByteBuffer()
            for i in 0..<200 {
                var call = ByteBuffer.call(.put(PutRequest(key: Bytes(utf8: "p\(i)"), value: Bytes(utf8: "\(i)"))), seqid: Int32(i), codec: codec)
                bytes.writeBuffer(&call)
            }
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            let outcome = try await raw.exchange(bytes, expectFrames: 200)
            try #require(outcome.frames.count == 200)
            for (i, frame) in outcome.frames.enumerated() {
                #expect(try codec.decodeReply(frame, method: .put, seqid: Int32(i)) == .success(.put(PutResponse(index: Int64(i + 1)))))
            }
        }
    }
}

/// Waits for a condition driven by other threads, failing after `timeout`.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        await Task.yield()
        try await Task.sleep(for: .milliseconds(5))
    }
}
