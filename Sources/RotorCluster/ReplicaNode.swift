import Logging
import NIOConcurrencyHelpers
import NIOCore
import RotorConsensus
import RotorModel
import RotorServer
import RotorStateMachine
import RotorWire

/// The production shell of one replica: drives the sans-IO `Replica` on one
/// event loop, turning sockets, timers and the disk into events and carrying
/// out the actions it returns.
///
/// Threading: everything mutable below is confined to `loop`; callers on
/// other threads hop there (`execute`). Only the state machine (read by
/// every connection for LOCAL reads) and the published status are shared,
/// each behind a lock.
public final class ReplicaNode: @unchecked Sendable {
    public let settings: NodeSettings
    public let loop: any EventLoop
    let logger: Logger
    /// The applied state; written here in log order, read by every connection.
    let machine = NIOLockedValueBox(KvStateMachine())
    private let published: NIOLockedValueBox<NodeStatus>

    var replica: Replica
    private let committer: GroupCommitter
    private var peers: PeerTransport!
    private var inbound = InboundPeerCalls()
    var operations = PendingOperations()
    private var tickTask: RepeatedTask?
    private var stopped = false
    private var diskFailed = false
    private var catchUp = CatchUpTracker()
    /// Writes gathered during this loop tick, handed to the core together.
    private var queuedWrites: [ClientWrite] = []
    private(set) var appliedIndex: LogIndex = 0
    /// The term of the last entry applied (or of the snapshot restored): a snapshot names it.
    private var appliedTerm: Term = 0
    private var snapshots: SnapshotTaker
    /// The test-only partition (`injectFault`); see ReplicaNode+FaultInjection.
    var faultRule = FaultRule.healed
    /// When this node started: a follower gives its leader an election timeout from here.
    let startedAt = NodeClock.now()
    /// Whether the leader was in touch at the last tick (see ReplicaNode+LeaderContact).
    var hasLeaderContact = true
    /// Called on the loop when this follower loses its leader; set before `start()`.
    var onLeaderContactLost: ((ReplicaID) -> Void)?

    public var replicaID: ReplicaID { settings.consensus.replicaID }

    /// `machine` is the state restored from `durable.snapshot` (empty without one).
    public init(settings: NodeSettings, durable: DurableState, machine restored: KvStateMachine, disk: any ReplicaDisk,
                authenticator: ClusterAuthenticator, loop: any EventLoop, logger: Logger) {
        precondition(restored.appliedIndex == (durable.snapshot?.index ?? 0), "the state machine must be the stored snapshot's")
        self.settings = settings
        self.loop = loop
        var logger = logger
        logger[metadataKey: "replica"] = "\(settings.consensus.replicaID)"
        self.logger = logger
        self.published = NIOLockedValueBox(NodeStatus(replicaID: settings.consensus.replicaID))
        self.machine.withLockedValue { $0 = restored }
        self.appliedIndex = restored.appliedIndex
        self.appliedTerm = durable.snapshot?.term ?? 0
        self.snapshots = SnapshotTaker(everyEntries: settings.snapshotEveryEntries, everyBytes: settings.snapshotEveryBytes,
                                       startingAt: restored.appliedIndex)
        // A random nonce per start: answers meant for an earlier incarnation's recovery are not counted.
        self.replica = Replica(configuration: settings.consensus, durable: durable, now: NodeClock.now(),
                               recoveryNonce: UInt64.random(in: .min ... .max), initialClusterState: settings.initialClusterState,
                               identitySeed: UInt64.random(in: 1 ... .max))
        self.committer = GroupCommitter(disk: disk, loop: loop)
        self.peers = PeerTransport(selfID: settings.consensus.replicaID, endpoints: settings.endpoints, loop: loop,
                                   settings: settings.peers, authenticator: authenticator, logger: logger) { [unowned self] message, peer in
            // A reply from a peer we cannot hear (fault injection) is lost on the way.
            guard !self.faultRule.dropsInbound(from: peer) else { return }
            self.handle(.received(message, from: peer))
        }
        committer.onDurable = { [unowned self] tokens in
            for token in tokens { self.handle(.persisted(token: token)) }
        }
        committer.onFailure = { [unowned self] error in self.diskFailed(error) }
        logger.info("replica starting", metadata: [
            "term": "\(durable.term)", "log_entries": "\(durable.log.count)", "replicas": "\(settings.endpoints.count)",
            "snapshot_index": "\(durable.snapshot?.index ?? 0)", "recovering": "\(durable.recovering)",
        ])
    }

    /// Starts the timers and carries out what the core wants at start (a new
    /// cluster's first leader persists its opening entry).
    public func start() {
        loop.execute { [self] in
            handle(.tick)  // carries out what the core decided at start (a new cluster's first leader persists its opening entry)
            tickTask = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(settings.tickInterval),
                                                 delay: .nanoseconds(settings.tickInterval)) { [unowned self] _ in self.tick() }
        }
    }

    /// Stops taking part: fails everything pending with UNAVAILABLE and closes the peer links.
    public func stop() -> EventLoopFuture<Void> {
        loop.submit { [self] in
            guard !stopped else { return }
            stopped = true
            tickTask?.cancel()
            peers.close()
            failEverything(KVError.unavailable("replica \(replicaID) is shutting down; retry on another replica"))
        }
    }

    /// Blocks until the disk thread finished its current batch (shutdown, before closing the store).
    func waitForDiskIdle() {
        committer.waitUntilIdle()
    }

    /// Why this replica takes no more requests (stopping, or its disk failed), if so:
    /// every request must still get an answer, or a connection could never drain.
    var notServing: KVError? {
        if stopped { return KVError.unavailable("replica \(replicaID) is shutting down; retry on another replica") }
        if diskFailed { return KVError.unavailable("replica \(replicaID) cannot write to its disk; retry on another replica") }
        return nil
    }

    /// The latest published status (any thread).
    public var status: NodeStatus { published.withLockedValue { $0 } }

    // MARK: Events

    /// Feeds one event to the core and carries out its actions.
    func handle(_ event: ConsensusEvent) {
        loop.preconditionInEventLoop()
        guard !stopped, !diskFailed else { return }
        let actions = replica.handle(event, now: NodeClock.now())
        perform(actions)
        peers.flush()
        afterEvent()
    }

    /// Gathers writes that arrive in one burst of loop tasks into a single
    /// core event: one persist request and one append per follower for all.
    func queueWrite(_ write: ClientWrite) {
        queuedWrites.append(write)
        if queuedWrites.count == 1 {
            loop.execute { [unowned self] in
                let batch = queuedWrites
                queuedWrites = []
                handle(.clientWrites(batch))
            }
        }
    }

    private func tick() {
        guard !stopped else { return }
        handle(.tick)
        answerParkedIfLeaderLost()
        let now = NodeClock.now()
        for reply in inbound.expire(now: now) {
            reply(.failure(.unavailable("replica \(replicaID) did not answer in time")))
        }
        peers.tick(now: now)
        peers.flush()
        expireOperations(now: now)
    }

    private func afterEvent() {
        if operations.isWaitingForLeader && (replica.knownLeader != nil) {
            for resume in operations.releaseLeaderWaiters() { resume(true) }
        }
        publish()
    }

    private func publish() {
        let status = NodeStatus(replicaID: replicaID, term: replica.term, role: replica.role, leaderID: replica.knownLeader,
                                lastIndex: replica.lastIndex, commitIndex: replica.commitIndex, appliedIndex: appliedIndex,
                                snapshotIndex: replica.latestSnapshot?.index ?? 0, logStartIndex: replica.logBaseIndex + 1,
                                recoveryReason: replica.isRecovering ? replica.waitingReason : nil, clusterID: replica.clusterID)
        let previous = published.withLockedValue { previous in
            defer { previous = status }
            return previous
        }
        if let reason = status.recoveryReason, reason != previous.recoveryReason {
            logger.warning("this replica's data directory is empty and it cannot yet rebuild it safely: \(reason). It serves no client until then.")
        }
    }

    // MARK: Actions

    private func perform(_ actions: [ConsensusAction]) {
        var applies: [(LogEntry, ClientToken?)] = []
        var readsReady: [(ClientToken, LogIndex)] = []
        for action in actions {
            switch action {
            case .send(let message, let peer): send(message, to: peer)
            case .persist(let request): committer.submit(request)
            case .apply(let entry, let client): applies.append((entry, client))
            case .restore(let snapshot):
                apply(applies)
                applies = []
                restore(snapshot)
            case .writeRejected(let token, let why): operations.takeWrite(token)?.reply(.failure(error(for: why)))
            case .writeOutcomeUnknown(let token): operations.takeWrite(token)?.reply(.failure(Self.outcomeUnknown))
            case .readReady(let token, let index): readsReady.append((token, index))
            case .readRejected(let token, let why): operations.takeRead(token)?(.failure(error(for: why)))
            case .roleChanged(let term, let role): logRoleChange(term: term, role: role)
            }
        }
        if !applies.isEmpty { apply(applies) }
        snapshotIfDue()
        for (token, index) in readsReady { operations.takeRead(token)?(.success(index)) }
    }

    private func send(_ message: ConsensusMessage, to peer: ReplicaID) {
        switch message {
        case .appendResponse, .commitAck:
            if let (reply, answer) = inbound.take(message, to: peer) { reply(outboundAnswer(answer, to: peer)) }
        default:
            // Fault injection: lost on the way; the core resends, as over a lossy network.
            guard !faultRule.dropsOutbound(to: peer) else { return }
            peers.send(message, to: peer, now: NodeClock.now())
        }
    }

    /// Applies committed entries in log order, in one pass under the state
    /// machine's lock, then answers the clients whose writes they were.
    private func apply(_ batch: [(LogEntry, ClientToken?)]) {
        guard !batch.isEmpty else { return }
        var replies: [(PendingOperations.Reply, Result<ClientResponse, KVError>)] = []
        appliedIndex = machine.withLockedValue { machine in
            for (entry, client) in batch {
                appliedTerm = entry.term
                snapshots.applied(bytes: entry.data.count)
                guard !entry.isNoOp else {
                    machine.skip(index: entry.index)
                    continue
                }
                let outcome = machine.apply(index: entry.index, entry: entry.data)
                if let client, let write = operations.takeWrite(client) {
                    replies.append((write.reply, clientResult(of: outcome, session: write.session, at: entry.index)))
                }
            }
            return machine.appliedIndex
        }
        for (reply, result) in replies { reply(result) }
        for resume in operations.releaseApplied(through: appliedIndex) { resume(true) }
    }

    /// State transfer: the leader's snapshot replaces our state machine.
    private func restore(_ snapshot: Snapshot) {
        let restored: KvStateMachine
        do {
            restored = try KvStateMachine.restore(snapshot.data)
        } catch {
            // The core checked nothing in it; the state machine's checksum did.
            diskFailed = true
            logger.critical("the snapshot received from the leader through index \(snapshot.index) does not restore: \(error). This replica stops taking part; wipe its data directory and restart it to rebuild from the others.")
            failEverything(KVError.internalError("replica \(replicaID) received a snapshot it cannot restore"))
            return
        }
        machine.withLockedValue { $0 = restored }
        appliedIndex = restored.appliedIndex
        appliedTerm = snapshot.term
        snapshots.restored(at: snapshot.index)
        logger.notice("installed the leader's snapshot through index \(snapshot.index) (\(snapshot.data.count) bytes, \(restored.keyCount) keys)")
        for resume in operations.releaseApplied(through: appliedIndex) { resume(true) }
    }

    /// Starts a background snapshot once enough was applied since the last one.
    private func snapshotIfDue() {
        guard snapshots.isDue(appliedIndex: appliedIndex) else { return }
        let copy = machine.withLockedValue { $0 }
        let previousBase = replica.logBaseIndex
        snapshots.take(copy, term: appliedTerm, loop: loop) { [unowned self] snapshot, elapsed in
            snapshots.finished()
            guard !stopped, !diskFailed else { return }
            handle(.snapshotTaken(snapshot))
            logger.info("snapshot taken through index \(snapshot.index): \(snapshot.data.count) bytes in \(elapsed); log compacted through \(replica.logBaseIndex) (was \(previousBase))")
        }
    }

    // MARK: Failures and deadlines

    private func expireOperations(now: Instant) {
        let expired = operations.expire(now: now)
        let waited = settings.requestTimeout / 1_000_000
        for reply in expired.writes {
            reply(.failure(.timeout("the write did not commit within \(waited) ms (no quorum?); it may or may not apply. Retry with the same request id")))
        }
        for read in expired.reads {
            read(.failure(.unavailable("the leader could not confirm its leadership with a majority within \(waited) ms")))
        }
        for resume in expired.waiters { resume(false) }
    }

    private func failEverything(_ error: KVError) {
        let expired = operations.drain()
        for reply in expired.writes { reply(.failure(error)) }
        for read in expired.reads { read(.failure(error)) }
        for resume in expired.waiters { resume(false) }
        for reply in inbound.drain() { reply(.failure(error)) }
    }

    private func diskFailed(_ error: any Error) {
        diskFailed = true
        logger.critical("the disk failed: \(error). This replica stops acknowledging writes and votes; the others carry on without it. Fix the disk (is it full?) and restart the replica.")
        failEverything(KVError.internalError("replica \(replicaID) cannot write to its disk: \(error)"))
    }

    static let outcomeUnknown = KVError.unavailable(
        "the leader changed before the write committed; it may or may not apply. Retry with the same request id")

    func error(for rejection: Rejection) -> KVError {
        switch rejection {
        case .notLeader(let leader):
            return KVError(.notLeader, "replica \(leader) leads term \(replica.term)", leaderHint: Int32(leader),
                           leaderEndpoint: settings.endpoints[leader].description)
        case .electing(let expected):
            return KVError(.unavailable, "a term change is under way; replica \(expected) is expected to lead", leaderHint: Int32(expected),
                           leaderEndpoint: settings.endpoints[expected].description)
        case .noQuorum:
            return KVError(.unavailable, "replica \(replicaID) leads term \(replica.term) but has not heard from a majority within the election timeout; nothing was applied")
        }
    }

    private func logRoleChange(term: Term, role: ConsensusRole) {
        switch role {
        case .leader:
            logger.notice("leading term \(term): this replica now orders writes")
        case .follower:
            logger.info("following replica \(replica.termLeader) in term \(term)")
        case .electing:
            logger.notice("term change to \(term) under way: replica \(replica.termLeader) is expected to lead once a majority joins")
        case .recovering:
            logger.notice("recovering in term \(term): this replica's disk came up empty, so it rebuilds from the others and counts toward no quorum until it has caught up")
        }
    }

    // MARK: Peer calls

    /// A consensus RPC from a peer, already authenticated.
    func receive(_ call: PeerCall, reply: @escaping @Sendable (Result<PeerReply, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        let sender = call.sender
        guard sender != replicaID, settings.endpoints.indices.contains(sender) else {
            reply(.failure(.invalidArgument("replica \(sender) is not a peer of replica \(replicaID)")))
            return
        }
        guard !stopped, !diskFailed else {
            reply(.failure(.unavailable("replica \(replicaID) is not taking part (stopping or disk failed)")))
            return
        }
        if let refusal = faultRefusal(from: sender) {
            reply(.failure(refusal))
            return
        }
        let deadline = NodeClock.now() + settings.peers.callTimeout
        switch call {
        case .appendEntry(let message):
            inbound.awaitAppendAnswer(from: sender, prevIndex: message.prevIndex, deadline: deadline, reply: reply)
            handle(.received(.appendEntries(message), from: sender))
            catchUp.observe(leader: sender, leaderCommit: message.leaderCommit, lastIndex: replica.lastIndex, logger: logger)
        case .commitNotification(let message):
            inbound.awaitCommitAck(from: sender, round: message.round, deadline: deadline, reply: reply)
            handle(.received(.commitNotification(message), from: sender))
        case .startViewChange(let message):
            handle(.received(.startViewChange(message), from: sender))
            reply(.success(.done))
        case .doViewChange(let message):
            handle(.received(.doViewChange(message), from: sender))
            reply(.success(.done))
        case .requestLog, .installSnapshot, .snapshotAck, .recover, .recoveryResponse:
            // Their answers, if any, go back later as calls of their own.
            handle(.received(call.message, from: sender))
            reply(.success(.done))
        }
    }
}
