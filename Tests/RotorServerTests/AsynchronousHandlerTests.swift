import NIOConcurrencyHelpers
import NIOCore
import RotorClient
import RotorModel
import RotorServer
import RotorTestSupport
import RotorWire
import Testing

/// A handler that answers pings at once and holds puts until the test releases them,
/// as a replicated leader holds writes until they commit.
final class HeldWritesService: RequestHandler {
    private let held = NIOLockedValueBox<[(PutRequest, @Sendable (Result<ClientResponse, KVError>) -> Void)]>([])
    private let arrivals: AsyncStream<Int>.Continuation
    let arrivalStream: AsyncStream<Int>

    init() {
        (arrivalStream, arrivals) = AsyncStream.makeStream(of: Int.self)
    }

    func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        switch request {
        case .put(let put):
            let count = held.withLockedValue { held in
                held.append((put, reply))
                return held.count
            }
            arrivals.yield(count)
        case .registerSession:
            reply(.success(.registerSession(RegisterSessionResponse(clientID: 1, index: 1))))
        default:
            reply(.success(.ping))
        }
    }

    var heldCount: Int { held.withLockedValue { $0.count } }

    /// Completes the held puts in reverse order, from another thread.
    func releaseAllInReverse() {
        let all = held.withLockedValue { held in defer { held.removeAll() }; return held }
        Task.detached {
            for (index, (put, reply)) in all.enumerated().reversed() {
                _ = put
                reply(.success(.put(PutResponse(index: Int64(index + 1)))))
            }
        }
    }

    /// Waits until `count` puts are held.
    func waitForHeld(_ count: Int) async {
        for await held in arrivalStream where held >= count { return }
    }
}

@Suite struct AsynchronousHandlerTests {
    @Test func repliesCompletedOutOfOrderLeaveInRequestOrder() async throws {
        let service = HeldWritesService()
        try await withServer(service: service) { server in
            let codec = ThriftMessageCodec()
            var bytes = ByteBuffer()
            for i in 0..<5 {
                var put = ByteBuffer.call(.put(PutRequest(key: Bytes(utf8: "k\(i)"), value: [])), seqid: Int32(i), codec: codec)
                bytes.writeBuffer(&put)
            }
            var ping = ByteBuffer.call(.ping, seqid: 5, codec: codec)
            bytes.writeBuffer(&ping)
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            async let outcome = raw.exchange(bytes, expectFrames: 6)
            await service.waitForHeld(5)
            service.releaseAllInReverse()
            let frames = try await outcome.frames
            try #require(frames.count == 6)
            for i in 0..<5 {
                #expect(try codec.decodeReply(frames[i], method: .put, seqid: Int32(i)) == .success(.put(PutResponse(index: Int64(i + 1)))))
            }
            #expect(try codec.decodeReply(frames[5], method: .ping, seqid: 5) == .success(.ping))
        }
    }

    @Test func aConnectionOwingTooManyRepliesIsNotReadFurther() async throws {
        let service = HeldWritesService()
        try await withServer(service: service, configure: { $0.maxInFlightPerConnection = 3 }) { server in
            let codec = ThriftMessageCodec()
            var bytes = ByteBuffer()
            for i in 0..<10 {
                var put = ByteBuffer.call(.put(PutRequest(key: Bytes(utf8: "k\(i)"), value: [])), seqid: Int32(i), codec: codec)
                bytes.writeBuffer(&put)
            }
            let raw = try await RawConnection.open(server.endpoint, group: server.group)
            async let outcome = raw.exchange(bytes, expectFrames: 10)
            await service.waitForHeld(3)
            // A ping from another connection proves the server is idle, not slow, yet holds at 3.
            try await withClient(server) { client in try await client.ping() }
            #expect(service.heldCount == 3)
            // Releasing lets the connection be read again, three at a time, until all ten are answered.
            var answered = 3
            service.releaseAllInReverse()
            while answered < 10 {
                let batch = min(3, 10 - answered)
                await service.waitForHeld(batch)
                answered += batch
                service.releaseAllInReverse()
            }
            #expect(try await outcome.frames.count == 10)
        }
    }

    @Test func shutdownAnswersWhatWasAlreadyReadThenCloses() async throws {
        let service = HeldWritesService()
        let server = try await TestServer.start(service: service)
        let client = server.client()
        async let put = client.put(Bytes(utf8: "k"), Bytes(utf8: "v"))
        await service.waitForHeld(1)
        async let stopped: Void = server.server.shutdown()
        service.releaseAllInReverse()
        let reply = try await put
        #expect(reply.index == 1)
        await stopped
        let code = await errorCode { () async throws(KVError) in try await client.ping(timeout: .milliseconds(500)) }
        #expect(code == .unavailable || code == .timeout)
        await client.shutdown()
        try await server.group.shutdownGracefully()
    }
}
