import DequeModule
import NIOCore
import RotorModel
import RotorWire

/// One call on its way out: the request and where its outcome goes.
struct OutboundCall {
    var request: ClientRequest
    var deadline: NIODeadline
    var promise: EventLoopPromise<ClientResponse>
}

/// The client end of one connection. Calls are pipelined: each is written at
/// once with the next sequence id and its reply is matched by order and
/// checked by sequence id. A call abandoned by its deadline keeps its place,
/// and its late reply is read and dropped, so the stream stays in sync.
/// Anything unexpected (bad frame, wrong seqid) closes the connection and
/// fails every call still waiting on it.
///
/// With a client token, `authenticate` goes out ahead of the first call (the
/// server serves calls in order, so the calls behind it are already logged in).
/// If the server refuses the token, the UNAUTHORIZED replies of the calls
/// behind it are reported with the server's reason for the refusal.
final class ClientCallHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundCall
    typealias OutboundOut = ByteBuffer

    private struct InFlight {
        /// nil: the connection's own `authenticate`.
        var method: ClientRequest.Method?
        var seqid: Int32
        /// nil once the deadline fired: the reply is still read, then dropped.
        var promise: EventLoopPromise<ClientResponse>?
        var timer: Scheduled<Void>?
    }

    private let codec = ThriftMessageCodec()
    private var inFlight: Deque<InFlight> = []
    private var nextSeqid: Int32 = 1
    private let endpoint: String
    /// Sent (once) before the first call, then cleared.
    private var pendingToken: String?
    /// Why the server refused our token, if it did.
    private var refusal: KVError?

    init(endpoint: String, clientToken: String? = nil) {
        self.endpoint = endpoint
        self.pendingToken = clientToken
    }

    private func takeSeqid() -> Int32 {
        let seqid = nextSeqid
        nextSeqid = nextSeqid == Int32.max ? 1 : nextSeqid + 1
        return seqid
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        if let token = pendingToken {
            pendingToken = nil
            let seqid = takeSeqid()
            codec.encodeAuthenticate(token: token, seqid: seqid, into: &buffer)
            inFlight.append(InFlight(method: nil, seqid: seqid, promise: nil, timer: nil))
        }
        let seqid = takeSeqid()
        codec.encodeCall(call.request, seqid: seqid, into: &buffer)
        var entry = InFlight(method: call.request.method, seqid: seqid, promise: call.promise, timer: nil)
        if call.deadline != .distantFuture {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            entry.timer = context.eventLoop.scheduleTask(deadline: call.deadline) { handler.value.expire(seqid: seqid) }
        }
        inFlight.append(entry)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    /// The deadline of call `seqid` passed: its caller learns TIMEOUT now.
    private func expire(seqid: Int32) {
        guard let index = inFlight.firstIndex(where: { $0.seqid == seqid }), let promise = inFlight[index].promise else { return }
        inFlight[index].promise = nil
        promise.fail(KVError.timeout("no reply from \(endpoint) before the deadline; a write may or may not have applied"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let call = inFlight.popFirst() else {
            fail(context, KVError.internalError("\(endpoint) sent a reply nobody asked for"))
            return
        }
        call.timer?.cancel()
        do throws(WireError) {
            guard let method = call.method else {
                try readAuthenticateReply(frame, seqid: call.seqid)
                return
            }
            var outcome = try codec.decodeReply(frame, method: method, seqid: call.seqid)
            if case .failure(let error) = outcome, error.code == .unauthorized, let refusal {
                outcome = .failure(refusal)
            }
            call.promise?.completeWith(outcome.mapError { CallFailure.answered($0) as any Error })
        } catch .applicationException(let type, let message) {
            call.promise?.fail(CallFailure.answered(KVError.internalError("\(endpoint) rejected the call (TApplicationException \(type)): \(message)")))
        } catch {
            call.promise?.fail(KVError.internalError("\(endpoint) sent a reply that does not match the call: \(error)"))
            fail(context, KVError.unavailable("connection to \(endpoint) closed after a bad reply"))
        }
    }

    private func readAuthenticateReply(_ frame: ByteBuffer, seqid: Int32) throws(WireError) {
        do throws(WireError) {
            if case .failure(let error) = try codec.decodeAuthenticateReply(frame, seqid: seqid) {
                refusal = KVError(.unauthorized, "\(endpoint) refused the client token: \(error.message)")
            }
        } catch .applicationException {
            // A server from before `authenticate`: it has no token to check, so the calls go through.
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(KVError.unavailable("connection to \(endpoint) lost before the reply; a write may or may not have applied"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if case WireError.frameTooLarge(let length, let limit) = error, let call = inFlight.popFirst() {
            call.timer?.cancel()
            call.promise?.fail(Self.replyTooLarge(call.method, from: endpoint, length: length, limit: limit))
        }
        fail(context, KVError.unavailable("connection to \(endpoint) failed: \(error)"))
    }

    /// The reply of the oldest call (replies come in call order) is over this
    /// client's frame limit. Asking again would bring the same reply, so it is
    /// TOO_LARGE, not retryable, and says what to change.
    static func replyTooLarge(_ method: ClientRequest.Method?, from endpoint: String, length: Int64, limit: Int) -> KVError {
        let name = method?.rawValue ?? "authenticate"
        let advice = method == .scan
            ? "lower the scan limit (or the server's limits.max_scan_bytes), or raise the client's max frame size (ClientConfiguration.maxFrameBytes)"
            : "raise the client's max frame size (ClientConfiguration.maxFrameBytes)"
        return .tooLarge("the reply to \(name) from \(endpoint) is a frame of \(length) bytes, over this client's limit of \(limit) bytes: \(advice)")
    }

    private func fail(_ context: ChannelHandlerContext, _ error: KVError) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: KVError) {
        while let call = inFlight.popFirst() {
            call.timer?.cancel()
            call.promise?.fail(error)
        }
    }
}
