import NIOCore
import NIOPosix
import RotorModel
import RotorWire

/// One TCP connection to one replica, carrying pipelined calls.
///
/// `send` is the low-level, allocation-light path (an EventLoopFuture, no
/// task hops); `RotorKVClient` builds retries and redirects on top, and the
/// `bench` load generator drives it directly.
public final class ClientConnection: Sendable {
    public let endpoint: Endpoint
    public let channel: any Channel

    private init(endpoint: Endpoint, channel: any Channel) {
        self.endpoint = endpoint
        self.channel = channel
    }

    /// Connects within `timeout`; TCP_NODELAY is on, since every call is a small request waiting for a reply.
    /// With `clientToken`, the connection calls `authenticate` ahead of its first call; if the
    /// server refuses the token, calls fail with UNAUTHORIZED (and the server's reason).
    public static func connect(to endpoint: Endpoint, on group: any EventLoopGroup, timeout: Duration,
                               maxFrameBytes: Int = FrameDecoder.defaultMaxFrameBytes,
                               clientToken: String? = nil) -> EventLoopFuture<ClientConnection> {
        ThriftRuntime.initialize()
        let description = endpoint.description
        return ClientBootstrap(group: group)
            .connectTimeout(timeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(ClientCallHandler(endpoint: description, clientToken: clientToken))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .map { ClientConnection(endpoint: endpoint, channel: $0) }
    }

    public var isActive: Bool { channel.isActive }
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Sends one call. The future fails with a `KVError`: the server's own, or
    /// TIMEOUT at `deadline`, or UNAVAILABLE if the connection is lost.
    public func send(_ request: ClientRequest, deadline: NIODeadline = .distantFuture) -> EventLoopFuture<ClientResponse> {
        exchange(request, deadline: deadline, flush: true).flatMapErrorThrowing { throw CallFailure.unwrapped($0) }
    }

    /// Sends one call; the future fails with a `CallFailure`, which tells an
    /// error the server answered (the connection is healthy) from a lost
    /// connection or a passed deadline (it may not be).
    public func sendReportingFailures(_ request: ClientRequest, deadline: NIODeadline = .distantFuture) -> EventLoopFuture<ClientResponse> {
        exchange(request, deadline: deadline, flush: true).flatMapErrorThrowing { error in
            if let failure = error as? CallFailure { throw failure }
            throw CallFailure.transport(CallFailure.unwrapped(error))
        }
    }

    /// Server answers fail the future with `CallFailure.answered`; everything else with a plain `KVError`.
    fileprivate func exchange(_ request: ClientRequest, deadline: NIODeadline, flush: Bool) -> EventLoopFuture<ClientResponse> {
        let promise = channel.eventLoop.makePromise(of: ClientResponse.self)
        let call = OutboundCall(request: request, deadline: deadline, promise: promise)
        let written = flush ? channel.writeAndFlush(call) : channel.write(call)
        written.whenFailure { [endpoint] error in
            promise.fail(KVError.unavailable("cannot send to \(endpoint): \(error)"))
        }
        return promise.futureResult
    }

    public func close() async {
        try? await channel.close()
    }
}

extension ClientConnection {
    /// Queues a call without flushing: call `flush()` once for a whole batch.
    /// Must be called on `eventLoop`; used by load generators that issue many
    /// calls per event-loop tick.
    public func sendWithoutFlush(_ request: ClientRequest, deadline: NIODeadline = .distantFuture) -> EventLoopFuture<ClientResponse> {
        exchange(request, deadline: deadline, flush: false).flatMapErrorThrowing { throw CallFailure.unwrapped($0) }
    }

    public func flush() { channel.flush() }
}

/// How a call failed, for callers that must tell a healthy connection from a broken one.
public enum CallFailure: Error, Sendable {
    /// The server answered with this error: the connection is healthy.
    case answered(KVError)
    /// The connection was lost, or the deadline passed, before an answer.
    case transport(KVError)

    /// The error, whichever way it came.
    public var error: KVError {
        switch self {
        case .answered(let error), .transport(let error): error
        }
    }

    /// The `KVError` inside any failure of a call.
    public static func unwrapped(_ error: any Error) -> KVError {
        if let failure = error as? CallFailure { return failure.error }
        return error as? KVError ?? .unavailable("\(error)")
    }
}
