/// One replica of the rotating-leader protocol, as a value: events in,
/// actions out. It owns no sockets, threads, clocks or randomness; the shell
/// (the in-memory bus in tests, NIO in production) drives it.
///
/// The protocol is Viewstamped Replication with round-robin leaders:
/// - The leader of term t is replica t mod n. It orders writes into the log
///   and commits an index once a majority, itself included, has it durably in
///   the leader's term.
/// - When a majority of replicas have each lost the leader for an election
///   timeout, they move to the next term (a start-view-change quorum, so a
///   single isolated or restarted replica cannot depose a healthy leader).
/// - The new leader starts only after a majority joined its term, and adopts
///   the most up-to-date of their logs: highest last-normal term, then
///   highest index.
/// - Replicas refuse messages of older terms.
public struct Replica: Sendable {
    public let configuration: ConsensusConfiguration
    public internal(set) var term: Term
    public internal(set) var status: ViewStatus
    public internal(set) var lastNormalTerm: Term
    public internal(set) var commitIndex: LogIndex = 0
    var log: ReplicatedLog
    /// The highest index handed to the shell with `.apply`.
    var appliedThrough: LogIndex = 0
    /// As a follower in normal status: how far our log is known to equal the leader's.
    var verifiedMatch: LogIndex = 0
    var durability: Durability
    var election: ElectionState
    var leadership: LeaderState?
    var outbox: [ConsensusAction] = []
    var now: Instant
    /// A term this replica led before a crash: it must never start it again.
    var retiredTerm: Term?
    /// The latest snapshot (taken here or received), sent to followers that need compacted entries.
    var snapshot: Snapshot?
    /// A snapshot arriving from the leader, chunk by chunk.
    var incomingSnapshot: IncomingSnapshot?
    /// Set while the replica finds out whether its empty disk is new or lost, and then catches up.
    var recovery: Recovery?
    /// The cluster this replica belongs to, once known (0 before): messages
    /// stamped with another cluster's id are refused (`accepts(cluster:)`).
    public internal(set) var clusterID: ClusterID
    /// The id this replica gives the cluster if it opens the first term of a
    /// new one (the genesis entry); the shell picks it at random.
    let identitySeed: ClusterID
    /// The cluster id stamped on the message being handled.
    var stamp: ClusterID = 0
    /// The peers' incarnations (recovery nonces) counted as empty disks when
    /// this replica founded the cluster; in memory only.
    var foundingNonces: [ReplicaID: UInt64] = [:]
    /// While discovering: why the answers so far do not allow a decision (for status and logs).
    public internal(set) var waitingReason: String?
    /// When this replica last heard from the leader of its term (nil: not
    /// since it started). The shell turns requests away at once when this is
    /// older than an election timeout: the replica may be cut off.
    public internal(set) var lastLeaderContact: Instant?

    /// Starts a replica from what it had persisted (`.initial` for a new cluster).
    ///
    /// A replica that led its term before a crash does not lead it again: it
    /// may have sent entries it never made durable, and reusing their indexes
    /// in the same term would break log matching. It waits for the next term.
    ///
    /// With `recoveryNonce`, an empty disk is not trusted to mean a new
    /// cluster: the data directory may have been lost (VR's recovery rule).
    /// The replica asks its peers first, and if the cluster exists it rebuilds
    /// from them without counting toward any quorum until it has caught up.
    /// The shell picks the nonce at random at every start.
    ///
    /// `initialClusterState` is the operator's word about an empty disk (see
    /// `InitialClusterState`); `identitySeed` names the cluster if this
    /// replica opens a new one (random, nonzero; by default the nonce).
    public init(configuration: ConsensusConfiguration, durable: DurableState, now: Instant, recoveryNonce: UInt64? = nil,
                initialClusterState: InitialClusterState = .auto, identitySeed: ClusterID? = nil) {
        self.configuration = configuration
        self.identitySeed = Self.nonzeroSeed(identitySeed ?? recoveryNonce, replicaID: configuration.replicaID, now: now)
        self.term = durable.term
        self.clusterID = durable.clusterID
        self.lastNormalTerm = durable.lastNormalTerm
        self.log = ReplicatedLog(restoring: durable)
        self.snapshot = durable.snapshot
        self.commitIndex = durable.snapshot?.index ?? 0
        self.appliedThrough = commitIndex
        self.durability = Durability(durableLength: log.lastIndex)
        self.now = now
        self.election = ElectionState(deadline: now + configuration.electionTimeout, nextResendAt: now + configuration.heartbeatInterval)
        precondition(!durable.recovering || recoveryNonce != nil, "a replica that was recovering restarts only with a recovery nonce")
        let mustAsk = configuration.replicaCount > 1 && configuration.unsafeFault != .trustEmptyDisk
            && (durable.recovering || (durable == .initial && recoveryNonce != nil))
        if mustAsk, let recoveryNonce {
            self.recovery = Recovery(nonce: recoveryNonce, diskWasEmpty: durable == .initial, initialState: initialClusterState, now: now)
            self.retiredTerm = nil
            self.status = .viewChange
            return
        }
        let newCluster = durable == .initial
        // It sent entries only after its start was durable, so a durable start is what matters.
        let ledBefore = !newCluster && consensusLeader(of: durable.term, configuration) == configuration.replicaID
            && durable.status == .normal && durable.lastNormalTerm == durable.term
        self.retiredTerm = ledBefore ? durable.term : nil
        self.status = ledBefore ? .viewChange : durable.status
        if newCluster && consensusLeader(of: 0, configuration) == configuration.replicaID {
            becomeLeaderOfInitialTerm()
        }
    }

    /// Handles one event at time `now` and returns what the shell must do, in order.
    public mutating func handle(_ event: ConsensusEvent, now: Instant) -> [ConsensusAction] {
        precondition(now >= self.now, "time went backwards: \(now) < \(self.now)")
        self.now = now
        switch event {
        case .tick: onTick()
        case .received(let message, let from, let cluster):
            stamp = cluster
            if accepts(cluster: cluster) { onMessage(message, from: from) }
            stamp = 0
        case .clientWrite(let token, let payload): onClientWrites([ClientWrite(token: token, payload: payload)])
        case .clientWrites(let writes): onClientWrites(writes)
        case .clientRead(let token): onClientRead(token)
        case .persisted(let token): onPersisted(token)
        case .snapshotTaken(let snapshot): onSnapshotTaken(snapshot)
        }
        checkInvariants()
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    // MARK: What the shell may read

    public var replicaID: ReplicaID { configuration.replicaID }
    public var lastIndex: LogIndex { log.lastIndex }
    /// The leader of the current term (whether or not it has started).
    public var termLeader: ReplicaID { consensusLeader(of: term, configuration) }
    public var isLeader: Bool { status == .normal && termLeader == replicaID }

    public var role: ConsensusRole {
        if recovery != nil { return .recovering }
        if status == .viewChange { return .electing }
        return termLeader == replicaID ? .leader : .follower
    }

    /// The leader clients should use, when one is serving.
    public var knownLeader: ReplicaID? { status == .normal && !isDiscovering ? termLeader : nil }

    /// A copy of the log after the snapshot, for tests and invariant checks.
    public var logEntries: [LogEntry] { log.entries }
    /// Entries up to this index are compacted into `latestSnapshot`.
    public var logBaseIndex: LogIndex { log.baseIndex }
    public var latestSnapshot: Snapshot? { snapshot }
    /// Whether this replica is rebuilding a lost data directory (and counts toward no quorum).
    public var isRecovering: Bool { recovery != nil }
    /// Whether a snapshot from the leader is partly received.
    public var isReceivingSnapshot: Bool { incomingSnapshot != nil }

    /// Whether a message stamped with `cluster` may be handled: either side
    /// not knowing its cluster yet, or both the same. The network shell asks
    /// this first, to answer WRONG_CLUSTER rather than drop the call.
    public func accepts(cluster: ClusterID) -> Bool {
        cluster == 0 || clusterID == 0 || cluster == clusterID
    }

    /// A shell without a random seed still gets a nonzero, replica-specific id.
    private static func nonzeroSeed(_ seed: UInt64?, replicaID: ReplicaID, now: Instant) -> ClusterID {
        var mixed = seed ?? (UInt64(bitPattern: now) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(replicaID + 1))
        if mixed == 0 { mixed = 1 }
        return mixed
    }

    /// Takes the cluster's id once it is known for sure (committed, or
    /// reported by members), and keeps it durably.
    mutating func adopt(cluster: ClusterID) {
        guard cluster != 0, clusterID == 0 else { return }
        clusterID = cluster
        persist(metadata: true)
    }

    // MARK: Dispatch

    private mutating func onTick() {
        if recovery != nil { recoveryTick() }
        if isDiscovering { return }
        if isLeader {
            leaderTick()
        } else {
            electionTick()
        }
    }

    private mutating func onMessage(_ message: ConsensusMessage, from: ReplicaID) {
        guard from != replicaID, (0..<configuration.replicaCount).contains(from) else { return }
        switch message {
        case .recoveryRequest(let m): onRecoveryRequest(m, from: from); return
        case .recoveryResponse(let m): onRecoveryResponse(m, from: from); return
        default: break
        }
        if isDiscovering {
            answerWhileDiscovering(message, from: from)
            return
        }
        if message.term > term {
            join(message.term)
        }
        switch message {
        case .appendEntries(let m): onAppendEntries(m, from: from)
        case .appendResponse(let m): onAppendResponse(m, from: from)
        case .commitNotification(let m): onCommitNotification(m, from: from)
        case .commitAck(let m): onCommitAck(m, from: from)
        case .startViewChange(let m): onStartViewChange(m, from: from)
        case .doViewChange(let m): onDoViewChange(m, from: from)
        case .logRequest(let m): onLogRequest(m, from: from)
        case .installSnapshot(let m): onInstallSnapshot(m, from: from)
        case .snapshotAck(let m): onSnapshotAck(m, from: from)
        case .recoveryRequest, .recoveryResponse: break
        }
    }

    // MARK: Output

    mutating func send(_ message: ConsensusMessage, to: ReplicaID) {
        outbox.append(.send(message, to: to))
    }

    mutating func broadcast(_ message: ConsensusMessage) {
        for peer in 0..<configuration.replicaCount where peer != replicaID { send(message, to: peer) }
    }

    /// Sends once everything persisted so far is durable (acknowledgements, votes).
    mutating func sendDurably(_ message: ConsensusMessage, to: ReplicaID) {
        if durability.sendWhenDurable(message, to: to) { send(message, to: to) }
    }

    var metadata: DurableMetadata {
        DurableMetadata(term: term, status: status, lastNormalTerm: lastNormalTerm, recovering: recovery != nil, clusterID: clusterID)
    }
}

@inlinable
func consensusLeader(of term: Term, _ configuration: ConsensusConfiguration) -> ReplicaID {
    leader(of: term, replicaCount: configuration.replicaCount)
}
