import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import RotorCluster
import RotorModel
import RotorServer
import Testing

/// A stand-in leader: every request waits until the test answers it.
final class HeldRequests: RequestHandler {
    typealias Reply = @Sendable (Result<ClientResponse, KVError>) -> Void
    private let held = NIOLockedValueBox<[(key: String, reply: Reply)]>([])
    let arrivals: AsyncStream<String>
    private let arrived: AsyncStream<String>.Continuation

    init() {
        (arrivals, arrived) = AsyncStream.makeStream(of: String.self)
    }

    func handle(_ request: ClientRequest, reply: @escaping Reply) {
        guard case .put(let put) = request else { return reply(.failure(.invalidArgument("puts only"))) }
        let key = String(decoding: put.key, as: UTF8.self)
        held.withLockedValue { $0.append((key, reply)) }
        arrived.yield(key)
    }

    func answer(_ key: String, _ result: Result<ClientResponse, KVError>) {
        let reply = held.withLockedValue { held -> Reply? in
            guard let index = held.firstIndex(where: { $0.key == key }) else { return nil }
            return held.remove(at: index).reply
        }
        reply?(result)
    }
}

/// Issue 11, item 7: the forwarder's shared connection to the leader.
@Suite struct LeaderForwarderTests {
    /// An UNAVAILABLE answer without a leader hint is an answer on a healthy
    /// connection: the call forwarded after it on the same connection still
    /// gets its own answer (the old forwarder closed the connection and failed it).
    @Test func anUnavailableAnswerLeavesTheConnectionToOtherCalls() async throws {
        let leader = HeldRequests()
        let (server, group, endpoint) = try await Self.start(leader)
        let forwarder = LeaderForwarder(endpoints: [endpoint], group: group, maxFrameBytes: 1 << 20, clientToken: nil)
        let deadline = NIODeadline.now() + .seconds(20)
        try await Self.warmUp(forwarder, leader, deadline)
        let refused = Self.forward(forwarder, "refused", deadline)
        let later = Self.forward(forwarder, "later", deadline)
        var seen: Set<String> = []
        for await key in leader.arrivals {
            seen.insert(key)
            if seen == ["refused", "later"] { break }
        }
        leader.answer("refused", .failure(.unavailable("no quorum here")))
        let refusal = await refused.value
        #expect(refusal.failure?.code == .unavailable && refusal.failure?.leaderHint == nil, "\(refusal)")
        leader.answer("later", .success(.put(PutResponse(index: 7))))
        let answered = await later.value
        #expect(answered.success == 7, "the call after the refusal ended \(answered)")
        forwarder.close()
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    /// A forwarded call that gets no answer by its deadline fails with
    /// TIMEOUT and drops the connection; the next call gets a fresh one and its answer.
    @Test func aTimeoutDropsTheConnectionAndTheNextCallReconnects() async throws {
        let leader = HeldRequests()
        let (server, group, endpoint) = try await Self.start(leader)
        let forwarder = LeaderForwarder(endpoints: [endpoint], group: group, maxFrameBytes: 1 << 20, clientToken: nil)
        let silent = await Self.forward(forwarder, "silent", .now() + .milliseconds(200)).value
        #expect(silent.failure?.code == .timeout, "\(silent)")
        let next = Self.forward(forwarder, "next", .now() + .seconds(20))
        for await key in leader.arrivals where key == "next" { break }
        leader.answer("next", .success(.put(PutResponse(index: 9))))
        #expect(await next.value.success == 9)
        forwarder.close()
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    /// One call answered first, so the connection is open before the calls under test
    /// (a loaded machine can miss the forwarder's one-second connect timeout).
    static func warmUp(_ forwarder: LeaderForwarder, _ leader: HeldRequests, _ deadline: NIODeadline) async throws {
        let warm = forward(forwarder, "warm-up", deadline)
        for await key in leader.arrivals where key == "warm-up" { break }
        leader.answer("warm-up", .success(.put(PutResponse(index: 1))))
        try #require(await warm.value.success == 1, "the warm-up call failed")
    }

    static func start(_ service: any RequestHandler) async throws -> (RotorKVServer, MultiThreadedEventLoopGroup, Endpoint) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "test.fake-leader")
        logger.logLevel = .critical
        let server = RotorKVServer(configuration: .standaloneDefault, service: service, group: group, logger: logger)
        let address = try await server.start(host: "127.0.0.1", port: 0)
        return (server, group, Endpoint(host: "127.0.0.1", port: address.port!))
    }

    /// Forwards a put of `key`; the task ends with the index written or the error.
    static func forward(_ forwarder: LeaderForwarder, _ key: String, _ deadline: NIODeadline) -> Task<Outcome, Never> {
        return Task {
            await withCheckedContinuation { continuation in
                forwarder.forward(.put(PutRequest(key: Bytes(key.utf8), value: Bytes("v".utf8))), to: 0, deadline: deadline) { result in
                    switch result {
                    case .success(.put(let response)): continuation.resume(returning: Outcome(success: response.index))
                    case .success: continuation.resume(returning: Outcome(failure: .internalError("not a put reply")))
                    case .failure(let error): continuation.resume(returning: Outcome(failure: error))
                    }
                }
            }
        }
    }

    struct Outcome: Sendable, CustomStringConvertible {
        var success: Int64?
        var failure: KVError?
        var description: String { success.map { "index \($0)" } ?? "\(failure.map(String.init(describing:)) ?? "nothing")" }
    }
}
