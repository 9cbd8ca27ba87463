import NIOCore
import NIOPosix
import RotorModel
import RotorWire

/// One call on a connection of its own: connect, write one framed call, read
/// one framed reply, close. For the rare calls that are not client RPCs (the
/// test-only `injectFault`): they must reach exactly one replica, and need
/// neither the pool, nor pipelining, nor retries elsewhere.
enum SingleExchange {
    /// The reply frame. Fails with UNAVAILABLE when the replica cannot be
    /// reached or closes the connection first, and with TIMEOUT at `deadline`.
    static func exchange(_ call: ByteBuffer, with endpoint: Endpoint, on group: any EventLoopGroup, connectTimeout: Duration,
                         maxFrameBytes: Int, deadline: NIODeadline) -> EventLoopFuture<ByteBuffer> {
        ThriftRuntime.initialize()
        let loop = group.next()
        let reply = loop.makePromise(of: ByteBuffer.self)
        let timer = loop.scheduleTask(deadline: deadline) {
            reply.fail(KVError.timeout("no reply from \(endpoint) before the deadline"))
        }
        reply.futureResult.whenComplete { _ in timer.cancel() }
        let description = endpoint.description
        ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(SingleReplyHandler(reply: reply, endpoint: description))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    reply.fail(KVError.unavailable("cannot connect to \(description): \(error)"))
                case .success(let channel):
                    reply.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    channel.writeAndFlush(call).whenFailure { error in
                        reply.fail(KVError.unavailable("cannot send to \(description): \(error)"))
                    }
                }
            }
        return reply.futureResult
    }
}

/// Completes the exchange's promise with the first frame, or fails it when the connection ends first.
private final class SingleReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reply: EventLoopPromise<ByteBuffer>
    private let endpoint: String

    init(reply: EventLoopPromise<ByteBuffer>, endpoint: String) {
        self.reply = reply
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reply.succeed(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        reply.fail(KVError.unavailable("\(endpoint) closed the connection before the reply"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reply.fail(KVError.unavailable("connection to \(endpoint) failed: \(error)"))
        context.close(promise: nil)
    }
}
