import DequeModule
import Logging
import NIOCore
import NIOPosix
import RotorConsensus
import RotorModel
import RotorWire

/// One persistent Thrift connection to one peer, owned by the node's event loop.
///
/// - Calls are pipelined within a window; replies come back in call order
///   (the server answers each connection in order), so they pair up FIFO.
/// - Nothing blocks the core: calls wait in a bounded queue while the peer is
///   unreachable, slow or not writable, and the oldest are dropped when it
///   fills. A call past its deadline is given up; the core resends.
/// - A lost connection is retried with exponential backoff and full jitter.
final class PeerLink {
    let peer: ReplicaID
    let endpoint: Endpoint
    private let loop: any EventLoop
    private let settings: PeerLinkSettings
    private let authenticator: ClusterAuthenticator
    private let logger: Logger
    private let deliver: (ConsensusMessage, ReplicaID) -> Void
    private let codec = ThriftMessageCodec()

    private enum State {
        case idle(retryAt: Instant)
        case connecting
        case connected(any Channel)
        case closed
    }

    private struct InFlight {
        var method: PeerCall.Method
        var seqid: Int32
        var deadline: Instant
    }

    private var state: State = .idle(retryAt: 0)
    private var generation = 0
    private var queue: Deque<(call: PeerCall, deadline: Instant)> = []
    private var inFlight: Deque<InFlight> = []
    private var nextSeqid: Int32 = 1
    private var needsFlush = false
    private var failures = 0
    private var lastHeard: Instant = 0
    private var random = SystemRandomNumberGenerator()

    init(peer: ReplicaID, endpoint: Endpoint, loop: any EventLoop, settings: PeerLinkSettings, authenticator: ClusterAuthenticator,
         logger: Logger, deliver: @escaping (ConsensusMessage, ReplicaID) -> Void) {
        self.peer = peer
        self.endpoint = endpoint
        self.loop = loop
        self.settings = settings
        self.authenticator = authenticator
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer)@\(endpoint)"
        self.logger = logger
        self.deliver = deliver
    }

    var isConnected: Bool {
        if case .connected = state { return true }
        return false
    }

    // MARK: Sending

    func send(_ call: PeerCall, now: Instant) {
        if queue.count >= settings.maxQueued { queue.removeFirst() }
        queue.append((call, now + settings.callTimeout))
        writeQueued(now: now)
        if case .idle(let retryAt) = state, retryAt <= now { connect(now: now) }
    }

    func flush() {
        guard needsFlush, case .connected(let channel) = state else { return }
        needsFlush = false
        channel.flush()
    }

    private func writeQueued(now: Instant) {
        guard case .connected(let channel) = state else { return }
        while inFlight.count < settings.maxInFlight, channel.isWritable, let next = queue.popFirst() {
            guard next.deadline > now else { continue }
            let seqid = nextSeqid
            nextSeqid = nextSeqid == Int32.max ? 1 : nextSeqid + 1
            var buffer = channel.allocator.buffer(capacity: 256)
            codec.encodePeerCall(next.call, proof: authenticator.proof(for: next.call), seqid: seqid, into: &buffer)
            channel.write(buffer, promise: nil)
            inFlight.append(InFlight(method: next.call.method, seqid: seqid, deadline: next.deadline))
            needsFlush = true
        }
    }

    // MARK: Receiving

    func received(_ frame: ByteBuffer, generation: Int) {
        guard generation == self.generation, let call = inFlight.popFirst() else { return }
        lastHeard = NodeClock.now()
        do {
            switch try codec.decodePeerReply(frame, method: call.method, seqid: call.seqid) {
            case .success(.appendEntry(let response)): deliver(.appendResponse(response), peer)
            case .success(.commitNotification(let ack)): deliver(.commitAck(ack), peer)
            case .success(.done): break
            case .failure(let error): refused(error, method: call.method)
            }
        } catch {
            logger.warning("replica \(peer) sent a reply that does not decode; reconnecting", metadata: ["error": "\(error)"])
            dropConnection(reason: "bad reply")
            return
        }
        let now = lastHeard
        writeQueued(now: now)
        flush()
    }

    private func refused(_ error: KVError, method: PeerCall.Method) {
        if error.code == .unauthorized {
            logger.error("replica \(peer) refused our \(method.rawValue): \(error.message). Every replica of a cluster must have the same security.cluster_secret.")
        } else {
            logger.debug("replica \(peer) answered \(method.rawValue) with an error", metadata: ["error": "\(error)"])
        }
    }

    func becameWritable(generation: Int) {
        guard generation == self.generation else { return }
        writeQueued(now: NodeClock.now())
        flush()
    }

    // MARK: Time

    /// Gives up on calls past their deadline, and reconnects when it is time.
    func tick(now: Instant) {
        while let first = queue.first, first.deadline <= now { queue.removeFirst() }
        switch state {
        case .idle(let retryAt) where retryAt <= now && !queue.isEmpty:
            connect(now: now)
        case .connected:
            if let oldest = inFlight.first, oldest.deadline <= now, now - lastHeard >= settings.callTimeout {
                // Calls go unanswered and nothing at all came back: the peer is stuck or the connection half-open.
                logger.warning("replica \(peer) has not answered for \(Self.milliseconds(now - lastHeard)) ms; reconnecting")
                dropConnection(reason: "no answer")
            }
        default:
            break
        }
    }

    // MARK: Connection

    private func connect(now: Instant) {
        state = .connecting
        generation += 1
        let generation = self.generation
        let bound = NIOLoopBound(self, eventLoop: loop)
        let maxFrame = settings.maxFrameBytes
        ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(settings.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrame)))
                    try channel.pipeline.syncOperations.addHandler(PeerReplyHandler(link: bound, generation: generation))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .whenComplete { result in
                switch result {
                case .success(let channel): bound.value.connected(channel, generation: generation)
                case .failure(let error): bound.value.connectionEnded(generation: generation, reason: "\(error)")
                }
            }
    }

    private func connected(_ channel: any Channel, generation: Int) {
        guard generation == self.generation, case .connecting = state else {
            channel.close(promise: nil)
            return
        }
        state = .connected(channel)
        lastHeard = NodeClock.now()
        logger.info(failures > 1 ? "connected to replica \(peer) after \(failures) attempts" : "connected to replica \(peer)")
        failures = 0
        writeQueued(now: lastHeard)
        flush()
    }

    func connectionEnded(generation: Int, reason: String) {
        guard generation == self.generation else { return }
        if case .closed = state { return }
        let wasConnected = isConnected
        if case .connected(let channel) = state { channel.close(promise: nil) }
        inFlight.removeAll()
        needsFlush = false
        failures += 1
        let now = NodeClock.now()
        state = .idle(retryAt: now + backoff())
        if wasConnected {
            logger.warning("lost the connection to replica \(peer): \(reason); reconnecting with backoff")
        } else if failures == 1 || failures % 50 == 0 {
            logger.notice("cannot reach replica \(peer) (\(failures) attempts): \(reason). Is it running? It is retried with backoff.")
        } else {
            logger.debug("cannot reach replica \(peer)", metadata: ["attempt": "\(failures)", "reason": "\(reason)"])
        }
    }

    private func dropConnection(reason: String) {
        connectionEnded(generation: generation, reason: reason)
    }

    /// Exponential backoff with full jitter: up to min(max, min × 2^failures).
    private func backoff() -> Instant {
        let ceiling = min(settings.maxBackoff, settings.minBackoff << Instant(min(failures, 16)))
        return Instant.random(in: settings.minBackoff...max(settings.minBackoff, ceiling), using: &random)
    }

    func close() {
        if case .connected(let channel) = state { channel.close(promise: nil) }
        state = .closed
        queue.removeAll()
        inFlight.removeAll()
    }

    private static func milliseconds(_ nanoseconds: Instant) -> Instant { nanoseconds / 1_000_000 }
}
