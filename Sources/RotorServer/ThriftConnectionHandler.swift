import DequeModule
import Logging
import NIOCore
import RotorModel
import RotorWire

/// Serves one client (or peer) connection: decodes framed Thrift calls, hands
/// them to the `RequestHandler` (client RPCs) or the `PeerCallHandler`
/// (consensus RPCs), and writes replies in request order.
///
/// Security: with a cluster secret, a consensus RPC reaches the peer handler
/// only with a valid `auth_proof`; with a client token, client RPCs are served
/// only once the connection called `authenticate` with it. The test-only
/// `injectFault` needs `[testing] allow_fault_injection` and a valid proof
/// (`ConnectionSecurity.faultInjectionRefusal`), never a client login.
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
    private let peerHandler: (any PeerCallHandler)?
    private let security: ConnectionSecurity
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
    /// Whether `authenticate` succeeded on this connection (only consulted with a client token).
    private var authenticated = false
    private var refusedPeerWarnings = RateLimitedWarning()
    private var refusedLoginWarnings = RateLimitedWarning()
    private var refusedFaultWarnings = RateLimitedWarning()

    init(service: any RequestHandler, peerHandler: (any PeerCallHandler)?, security: ConnectionSecurity, limits: RequestLimits,
         maxInFlight: Int, logger: Logger, allocator: ByteBufferAllocator) {
        self.service = service
        self.peerHandler = peerHandler
        self.security = security
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
            case .peer(let call, let proof, let seqid): dispatch(call, proof: proof, seqid: seqid, context: context)
            case .authenticate(let token, let seqid): authenticate(token: token, seqid: seqid)
            case .injectFault(let rule, let proof, let seqid): injectFault(rule, proof: proof, seqid: seqid, context: context)
            case .unknownMethod(let name, let seqid): answerUnknownMethod(name, seqid: seqid)
            case .refused(let method, let error, let seqid): refuse(method, error, seqid: seqid)
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

    func channelInactive(context: ChannelHandlerContext) {
        for (warnings, what) in [(refusedPeerWarnings, "consensus RPCs without a valid cluster proof"),
                                 (refusedLoginWarnings, "authenticate calls with a wrong client token"),
                                 (refusedFaultWarnings, "injectFault calls")] where warnings.unlogged > 0 {
            logger.warning("connection closed; \(warnings.unlogged) further \(what) were refused since the last warning")
        }
        context.fireChannelInactive()
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

    /// Answers a call whose arguments hold an undefined value with its error,
    /// unless the connection must log in first (UNAUTHORIZED comes first, as for any call).
    private func refuse(_ method: ClientRequest.Method, _ error: KVError, seqid: Int32) {
        let error = security.tokenVerifier != nil && !authenticated
            ? KVError(.unauthorized, "call authenticate with the client token first") : error
        answer(ticket: replies.reserve()) { codec, buffer in codec.encodeReply(.failure(error), method: method, seqid: seqid, into: &buffer) }
    }

    private func dispatch(_ request: ClientRequest, seqid: Int32, context: ChannelHandlerContext) {
        let ticket = replies.reserve()
        let method = request.method
        do throws(KVError) {
            if security.tokenVerifier != nil && !authenticated {
                throw KVError(.unauthorized, "call authenticate with the client token first")
            }
            try limits.validate(request)
        } catch {
            answer(ticket: ticket) { codec, buffer in codec.encodeReply(.failure(error), method: method, seqid: seqid, into: &buffer) }
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        service.handle(request) { outcome in
            Self.onLoop(handler) { $0.complete(ticket: ticket, outcome, method: method, seqid: seqid) }
        }
    }

    /// Handlers may reply from any thread: run `body` on this connection's loop, at once if already there.
    private static func onLoop(_ handler: NIOLoopBound<ThriftConnectionHandler>, _ body: @escaping @Sendable (ThriftConnectionHandler) -> Void) {
        if handler.eventLoop.inEventLoop {
            body(handler.value)
        } else {
            handler.eventLoop.execute { body(handler.value) }
        }
    }

    private func dispatch(_ call: PeerCall, proof: [UInt8]?, seqid: Int32, context: ChannelHandlerContext) {
        let method = call.method
        guard let peerHandler else {
            answerUnknownMethod(method.rawValue, seqid: seqid,
                                message: "unknown method \(method.rawValue): this replica is standalone and serves no consensus RPCs")
            return
        }
        let ticket = replies.reserve()
        if let authenticator = security.authenticator, !authenticator.verify(call, proof: proof) {
            warnRefused(call)
            answer(ticket: ticket) { codec, buffer in
                codec.encodePeerReply(.failure(Self.refusedPeerCall), method: method, seqid: seqid, into: &buffer)
            }
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        peerHandler.handle(call) { outcome in
            Self.onLoop(handler) { $0.complete(ticket: ticket, outcome, method: method, seqid: seqid) }
        }
    }

    static let refusedPeerCall = KVError(
        .unauthorized, "consensus RPC refused: missing or invalid cluster proof; is this replica configured with another cluster_secret?")

    /// Logs a refused consensus call: who claims to send it, never the proof (nor, of course, the secret).
    private func warnRefused(_ call: PeerCall) {
        guard let unlogged = refusedPeerWarnings.admit(now: .now()) else { return }
        var metadata: Logger.Metadata = [
            "method": "\(call.method.rawValue)", "claimed_sender": "\(call.sender)", "term": "\(call.term)",
        ]
        if unlogged > 0 { metadata["refused_since_last_warning"] = "\(unlogged)" }
        logger.warning("refused a consensus RPC without a valid cluster proof; is the caller configured with another cluster_secret?",
                       metadata: metadata)
    }

    private func authenticate(token: String, seqid: Int32) {
        let outcome: Result<Void, KVError>
        if let verifier = security.tokenVerifier, !verifier.verify(token) {
            authenticated = false
            outcome = .failure(KVError(.unauthorized, "wrong client token"))
            if let unlogged = refusedLoginWarnings.admit(now: .now()) {
                logger.warning("refused authenticate: wrong client token",
                               metadata: unlogged > 0 ? ["refused_since_last_warning": "\(unlogged)"] : [:])
            }
        } else {
            authenticated = true
            outcome = .success(())
        }
        answer(ticket: replies.reserve()) { codec, buffer in codec.encodeAuthenticateReply(outcome, seqid: seqid, into: &buffer) }
    }

    // MARK: Fault injection (test only)

    /// `injectFault`: installed by the peer handler once admitted, else refused.
    private func injectFault(_ rule: FaultRule, proof: [UInt8]?, seqid: Int32, context: ChannelHandlerContext) {
        let ticket = replies.reserve()
        switch admit(rule, proof: proof) {
        case .failure(let refusal):
            answer(ticket: ticket) { codec, buffer in codec.encodeInjectFaultReply(.failure(refusal), seqid: seqid, into: &buffer) }
        case .success(let peerHandler):
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            peerHandler.injectFault(rule) { outcome in
                Self.onLoop(handler) { connection in
                    connection.answer(ticket: ticket) { codec, buffer in codec.encodeInjectFaultReply(outcome, seqid: seqid, into: &buffer) }
                }
            }
        }
    }

    /// The peer handler that installs `rule`, or why not: a standalone replica
    /// has no peers to partition from (INVALID_ARGUMENT); otherwise the gate
    /// decides (UNAUTHORIZED, logged).
    private func admit(_ rule: FaultRule, proof: [UInt8]?) -> Result<any PeerCallHandler, KVError> {
        guard let peerHandler else {
            return .failure(KVError(.invalidArgument, "injectFault: this replica is standalone; it has no consensus traffic to drop"))
        }
        if let refusal = security.faultInjectionRefusal(rule, proof: proof) {
            warnRefusedFault(rule, refusal)
            return .failure(refusal)
        }
        return .success(peerHandler)
    }

    /// Logs a refused `injectFault`: the rule and why, never the proof.
    private func warnRefusedFault(_ rule: FaultRule, _ refusal: KVError) {
        guard let unlogged = refusedFaultWarnings.admit(now: .now()) else { return }
        var metadata: Logger.Metadata = ["rule": "\(rule)", "reason": "\(refusal.message)"]
        if unlogged > 0 { metadata["refused_since_last_warning"] = "\(unlogged)" }
        logger.warning("refused an injectFault call", metadata: metadata)
    }

    private func answerUnknownMethod(_ name: String, seqid: Int32, message: String? = nil) {
        logger.debug("unknown method", metadata: ["method": "\(name)"])
        answer(ticket: replies.reserve()) { codec, buffer in
            codec.encodeApplicationException(name: name, seqid: seqid, type: .unknownMethod, message: message ?? "unknown method \(name)",
                                              into: &buffer)
        }
    }

    private func complete(ticket: UInt64, _ outcome: Result<PeerReply, KVError>, method: PeerCall.Method, seqid: Int32) {
        var outcome = outcome
        if case .success(let reply) = outcome, !reply.answers(method) {
            logger.error("the peer handler answered \(method.rawValue) with \(reply); sending INTERNAL")
            outcome = .failure(.internalError("the replica produced a reply of the wrong kind to \(method.rawValue)"))
        }
        answer(ticket: ticket) { codec, buffer in codec.encodePeerReply(outcome, method: method, seqid: seqid, into: &buffer) }
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

/// What a connection checks before serving a call; built once per server.
struct ConnectionSecurity: Sendable {
    /// Set with `[security] cluster_secret`: consensus RPCs need a valid proof.
    var authenticator: ClusterAuthenticator?
    /// Set with `[security] client_token`: client RPCs need `authenticate` first.
    var tokenVerifier: ClientTokenVerifier?
    /// Set with `[testing] allow_fault_injection`: `injectFault` may be admitted (see `faultInjectionRefusal`).
    var allowsFaultInjection: Bool

    init(_ settings: SecuritySettings, allowFaultInjection: Bool = false) {
        authenticator = settings.clusterSecret.map(ClusterAuthenticator.init(secret:))
        tokenVerifier = settings.clientToken.map(ClientTokenVerifier.init(token:))
        allowsFaultInjection = allowFaultInjection
    }
}

/// At most one warning a second; counts what it holds back.
struct RateLimitedWarning {
    private var lastLogged: NIODeadline?
    private(set) var unlogged = 0

    /// nil: stay quiet. Otherwise log now, mentioning how many were held back since the last warning.
    mutating func admit(now: NIODeadline) -> Int? {
        if let lastLogged, now - lastLogged < .seconds(1) {
            unlogged += 1
            return nil
        }
        lastLogged = now
        defer { unlogged = 0 }
        return unlogged
    }
}
