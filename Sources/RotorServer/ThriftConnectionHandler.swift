import DequeModule
import Logging
import NIOCore
import RotorModel
import RotorWire

/// Serves one client (or peer) connection: decodes framed Thrift calls, hands
/// them to the `RequestHandler`, and writes replies in request order.
///
/// Pipelining: many calls may be in flight; replies produced during one read
/// burst are coalesced into a single write and flush. Backpressure: when the
/// connection owes `maxInFlight` replies, or the socket is not writable, the
/// handler stops reading until it catches up, so one greedy client cannot
/// exhaust the server's memory.
final class ThriftConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: any RequestHandler
    private let limits: RequestLimits
    private let maxInFlight: Int
    private let logger: Logger
    private let codec = ThriftMessageCodec()
    private var replies = ReplyQueue()
    /// Frames read while the connection already owed `maxInFlight` replies.
    private var waiting: Deque<ByteBuffer> = []
    private var draining = false
    private var output: ByteBuffer
    private var context: ChannelHandlerContext?
    private var inReadBurst = false
    private var readHeld = false
    private var quiescing = false

    init(service: any RequestHandler, limits: RequestLimits, maxInFlight: Int, logger: Logger, allocator: ByteBufferAllocator) {
        self.service = service
        self.limits = limits
        self.maxInFlight = maxInFlight
        self.logger = logger
        self.output = allocator.buffer(capacity: 4096)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBurst = true
        let frame = unwrapInboundIn(data)
        if replies.count >= maxInFlight || !waiting.isEmpty {
            waiting.append(frame)
        } else {
            process(frame, context: context)
        }
    }

    private func process(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        do {
            switch try codec.decodeCall(frame) {
            case .call(let request, let seqid): dispatch(request, seqid: seqid, context: context)
            case .unknownMethod(let name, let seqid): answerUnknownMethod(name, seqid: seqid)
            }
        } catch .invalidArguments(let method, let seqid, let reason) {
            logger.info("rejected a call with invalid arguments", metadata: ["method": "\(method)", "reason": "\(reason)"])
            answer(ticket: replies.reserve()) { codec, buffer in
                codec.encodeApplicationException(name: method, seqid: seqid, type: .protocolError, message: "invalid arguments: \(reason)", into: &buffer)
            }
        } catch {
            logger.info("closing a connection that sent a malformed message", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        flushOutput(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { resumeReadingIfHeld(context: context) }
        context.fireChannelWritabilityChanged()
    }

    /// Outbound `read`: withheld while the connection owes too much.
    func read(context: ChannelHandlerContext) {
        if quiescing || replies.count >= maxInFlight || !waiting.isEmpty || !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            closeIfQuiesced(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let wireError = error as? WireError {
            logger.info("closing a connection after a framing error", metadata: ["error": "\(wireError)"])
        } else {
            logger.debug("connection error", metadata: ["error": "\(error)"])
        }
        context.close(promise: nil)
    }

    // MARK: Dispatch

    private func dispatch(_ request: ClientRequest, seqid: Int32, context: ChannelHandlerContext) {
        let ticket = replies.reserve()
        let method = request.method
        do throws(KVError) {
            try limits.validate(request)
        } catch {
            answer(ticket: ticket) { codec, buffer in codec.encodeReply(.failure(error), method: method, seqid: seqid, into: &buffer) }
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        service.handle(request) { outcome in
            let eventLoop = loopBound.eventLoop
            if eventLoop.inEventLoop {
                loopBound.value.complete(ticket: ticket, outcome, method: method, seqid: seqid)
            } else {
                eventLoop.execute { loopBound.value.complete(ticket: ticket, outcome, method: method, seqid: seqid) }
            }
        }
    }

    private func answerUnknownMethod(_ name: String, seqid: Int32) {
        logger.debug("unknown method", metadata: ["method": "\(name)"])
        answer(ticket: replies.reserve()) { codec, buffer in
            codec.encodeApplicationException(name: name, seqid: seqid, type: .unknownMethod, message: "unknown method \(name)", into: &buffer)
        }
    }

    private func complete(ticket: UInt64, _ outcome: Result<ClientResponse, KVError>, method: ClientRequest.Method, seqid: Int32) {
        answer(ticket: ticket) { codec, buffer in codec.encodeReply(outcome, method: method, seqid: seqid, into: &buffer) }
    }

    /// Encodes a reply straight into the output when it is next in line,
    /// otherwise parks it until the replies before it are done.
    private func answer(ticket: UInt64, _ encode: (ThriftMessageCodec, inout ByteBuffer) -> Void) {
        guard let context else { return }  // the connection is gone; nobody to answer
        if replies.isHead(ticket) {
            encode(codec, &output)
            replies.releaseHead()
        } else {
            var parked = context.channel.allocator.buffer(capacity: 64)
            encode(codec, &parked)
            replies.fill(ticket, with: parked)
        }
        replies.drainReady(into: &output)
        processWaiting(context: context)
        if !inReadBurst { flushOutput(context: context) }
    }

    /// Serves frames that arrived while the connection owed too much, as room frees up.
    private func processWaiting(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while replies.count < maxInFlight, let frame = waiting.popFirst() {
            process(frame, context: context)
        }
    }

    private func flushOutput(context: ChannelHandlerContext) {
        if output.readableBytes > 0 {
            context.writeAndFlush(wrapOutboundOut(output), promise: nil)
            output = context.channel.allocator.buffer(capacity: 4096)
        }
        resumeReadingIfHeld(context: context)
        closeIfQuiesced(context: context)
    }

    private func resumeReadingIfHeld(context: ChannelHandlerContext) {
        guard readHeld, !quiescing, replies.count < maxInFlight, waiting.isEmpty, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }

    private func closeIfQuiesced(context: ChannelHandlerContext) {
        if quiescing && replies.isEmpty && waiting.isEmpty && output.readableBytes == 0 {
            context.close(promise: nil)
        }
    }
}
