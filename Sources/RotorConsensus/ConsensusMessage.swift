/// The messages replicas exchange. Every message carries the sender's term:
/// a replica that sees a higher term learns that a majority moved on, and a
/// replica refuses anything from an older term.
public enum ConsensusMessage: Sendable, Equatable {
    case appendEntries(AppendEntries)
    case appendResponse(AppendResponse)
    case commitNotification(CommitNotification)
    case commitAck(CommitAck)
    case startViewChange(StartViewChange)
    case doViewChange(DoViewChange)
    case logRequest(LogRequest)
    case installSnapshot(InstallSnapshot)
    case snapshotAck(SnapshotAck)
    case recoveryRequest(RecoveryRequest)
    case recoveryResponse(RecoveryResponse)

    public var term: Term {
        switch self {
        case .appendEntries(let m): m.term
        case .appendResponse(let m): m.term
        case .commitNotification(let m): m.term
        case .commitAck(let m): m.term
        case .startViewChange(let m): m.term
        case .doViewChange(let m): m.term
        case .logRequest(let m): m.term
        case .installSnapshot(let m): m.term
        case .snapshotAck(let m): m.term
        case .recoveryRequest(let m): m.term
        case .recoveryResponse(let m): m.term
        }
    }
}

/// Leader → follower: entries after (prevIndex, prevTerm). IDL `appendEntry`.
public struct AppendEntries: Sendable, Equatable {
    public var term: Term
    public var leaderID: ReplicaID
    public var prevIndex: LogIndex
    public var prevTerm: Term
    public var entries: [LogEntry]
    public var leaderCommit: LogIndex
    /// The no-op that opened the leader's term. A follower joins the term's
    /// normal operation only once its log matches the leader's through it, so
    /// that it holds the whole log the leader started with (VR's StartView).
    public var termStartIndex: LogIndex

    public init(term: Term, leaderID: ReplicaID, prevIndex: LogIndex, prevTerm: Term, entries: [LogEntry],
                leaderCommit: LogIndex, termStartIndex: LogIndex) {
        self.term = term
        self.leaderID = leaderID
        self.prevIndex = prevIndex
        self.prevTerm = prevTerm
        self.entries = entries
        self.leaderCommit = leaderCommit
        self.termStartIndex = termStartIndex
    }
}

/// Follower → leader, after the entries are durable.
public struct AppendResponse: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var success: Bool
    /// With success: the follower's log equals the leader's through this index, durably.
    public var matchIndex: LogIndex
    /// Without success: where the leader should back up to (the follower's last index, or the start of a conflicting term).
    public var conflictHint: LogIndex
    /// The `prevIndex` of the append this answers, so a leader can tell a stale refusal from a current one.
    public var prevIndex: LogIndex
    /// The follower is rebuilding a lost disk (VR's recovery rule): the
    /// leader uses the acknowledgement to move its window, never to commit.
    public var recovering: Bool

    public init(term: Term, from: ReplicaID, success: Bool, matchIndex: LogIndex, conflictHint: LogIndex, prevIndex: LogIndex,
                recovering: Bool = false) {
        self.term = term
        self.from = from
        self.success = success
        self.matchIndex = matchIndex
        self.conflictHint = conflictHint
        self.prevIndex = prevIndex
        self.recovering = recovering
    }
}

/// Leader → follower: the commit index, and the heartbeat while idle. IDL `commitNotification`.
public struct CommitNotification: Sendable, Equatable {
    public var term: Term
    public var leaderID: ReplicaID
    public var commitIndex: LogIndex
    /// Numbers heartbeat rounds, so the leader can tell which acknowledgements
    /// confirm a linearizable read (ReadIndex).
    public var round: UInt64

    public init(term: Term, leaderID: ReplicaID, commitIndex: LogIndex, round: UInt64) {
        self.term = term
        self.leaderID = leaderID
        self.commitIndex = commitIndex
        self.round = round
    }
}

/// Follower → leader, answering a commit notification.
public struct CommitAck: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var round: UInt64
    /// How far the follower's log durably matches the leader's (0 if not yet in step).
    public var matchIndex: LogIndex
    /// The follower is rebuilding a lost disk: it confirms no read round and counts toward no commit.
    public var recovering: Bool

    public init(term: Term, from: ReplicaID, round: UInt64, matchIndex: LogIndex, recovering: Bool = false) {
        self.term = term
        self.from = from
        self.round = round
        self.matchIndex = matchIndex
        self.recovering = recovering
    }
}

/// "I lost the leader; let us move to `proposedTerm`." A term change takes
/// effect only once a majority proposes it, so one isolated or restarted
/// replica cannot depose a healthy leader (TigerBeetle's start-view-change quorum).
public struct StartViewChange: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var proposedTerm: Term

    public init(term: Term, from: ReplicaID, proposedTerm: Term) {
        self.term = term
        self.from = from
        self.proposedTerm = proposedTerm
    }
}

/// Replica → the new leader of `term`: this replica joined the term, and here
/// is its log state, so the leader can adopt the most up-to-date log of a
/// majority (VR's DoViewChange).
public struct DoViewChange: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var lastNormalTerm: Term
    public var lastIndex: LogIndex
    public var commitIndex: LogIndex
    /// The sender's entries from `entriesFrom` through `lastIndex`.
    public var entriesFrom: LogIndex
    public var entries: [LogEntry]
    /// Where the sender's log starts: entries up to `baseIndex` are compacted
    /// into its snapshot, and `baseTerm` is the term at `baseIndex`. A new
    /// leader can fetch only entries after it.
    public var baseIndex: LogIndex
    public var baseTerm: Term

    public init(term: Term, from: ReplicaID, lastNormalTerm: Term, lastIndex: LogIndex, commitIndex: LogIndex,
                entriesFrom: LogIndex, entries: [LogEntry], baseIndex: LogIndex = 0, baseTerm: Term = 0) {
        self.term = term
        self.from = from
        self.lastNormalTerm = lastNormalTerm
        self.lastIndex = lastIndex
        self.commitIndex = commitIndex
        self.entriesFrom = entriesFrom
        self.entries = entries
        self.baseIndex = baseIndex
        self.baseTerm = baseTerm
    }
}

/// New leader → the replica with the best log: "send me your entries from
/// `fromIndex`", answered with a `DoViewChange`.
public struct LogRequest: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var fromIndex: LogIndex

    public init(term: Term, from: ReplicaID, fromIndex: LogIndex) {
        self.term = term
        self.from = from
        self.fromIndex = fromIndex
    }
}

/// Leader → follower: one chunk of the leader's snapshot, for a follower that
/// needs entries the leader has compacted away (state transfer). Chunks go
/// one at a time, each answered by a `SnapshotAck`. IDL `installSnapshot`.
public struct InstallSnapshot: Sendable, Equatable {
    public var term: Term
    public var leaderID: ReplicaID
    /// The snapshot's last index and its term: together they name the snapshot.
    public var snapshotIndex: LogIndex
    public var snapshotTerm: Term
    public var totalBytes: Int
    /// Where `data` starts in the snapshot.
    public var offset: Int
    public var data: [UInt8]
    public var leaderCommit: LogIndex
    /// As in `AppendEntries`: the opening of the leader's term.
    public var termStartIndex: LogIndex
    /// A checksum of the whole snapshot: with its index and term it names
    /// the transfer, so chunks of two different snapshots never splice.
    public var checksum: UInt32

    public init(term: Term, leaderID: ReplicaID, snapshotIndex: LogIndex, snapshotTerm: Term, totalBytes: Int, offset: Int,
                data: [UInt8], leaderCommit: LogIndex, termStartIndex: LogIndex, checksum: UInt32 = 0) {
        self.checksum = checksum
        self.term = term
        self.leaderID = leaderID
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.totalBytes = totalBytes
        self.offset = offset
        self.data = data
        self.leaderCommit = leaderCommit
        self.termStartIndex = termStartIndex
    }
}

/// Follower → leader: how much of the snapshot it holds. IDL `snapshotAck`.
public struct SnapshotAck: Sendable, Equatable {
    public var term: Term
    public var from: ReplicaID
    public var snapshotIndex: LogIndex
    /// The next offset the follower wants (0 restarts the transfer).
    public var nextOffset: Int
    /// The snapshot is installed and durable: the follower's log now matches
    /// the leader's through `snapshotIndex`.
    public var installed: Bool
    /// The `checksum` of the transfer acknowledged.
    public var checksum: UInt32

    public init(term: Term, from: ReplicaID, snapshotIndex: LogIndex, nextOffset: Int, installed: Bool, checksum: UInt32 = 0) {
        self.checksum = checksum
        self.term = term
        self.from = from
        self.snapshotIndex = snapshotIndex
        self.nextOffset = nextOffset
        self.installed = installed
    }
}

/// A replica that started with an empty data directory asks its peers what
/// they know (VR's RECOVERY). It may be new, or it may have lost state it had
/// promised; the answers tell which. IDL `recover`.
public struct RecoveryRequest: Sendable, Equatable {
    /// Always 0: the sender knows no term.
    public var term: Term
    public var from: ReplicaID
    /// Picked by the shell at start, so that answers to an earlier incarnation are not counted.
    public var nonce: UInt64

    public init(term: Term = 0, from: ReplicaID, nonce: UInt64) {
        self.term = term
        self.from = from
        self.nonce = nonce
    }
}

/// What a replica tells a recovering peer (VR's RECOVERYRESPONSE). IDL `recoveryResponse`.
public struct RecoveryResponse: Sendable, Equatable {
    public enum Standing: Int, Sendable, Hashable {
        /// Empty disk, waiting for answers itself.
        case fresh = 0
        /// Rebuilding a lost data directory: knows nothing reliable.
        case recovering = 1
        /// Holds durable state of the cluster.
        case member = 2
        /// An empty disk the operator declared never used
        /// (`initial_cluster_state = "new"`): it has promised nothing, ever.
        case new = 3
    }

    public var term: Term
    public var from: ReplicaID
    public var nonce: UInt64
    public var standing: Standing
    /// Set by the leader of `term` when it serves: its last log index, which
    /// bounds everything the recovering replica could have acknowledged before it lost its disk.
    public var leaderLastIndex: LogIndex?
    /// A member's cluster id (0 if it knows none yet): the recovering replica adopts it.
    public var clusterID: ClusterID
    /// Set by a replica still discovering itself: its own nonce, which names its incarnation.
    public var responderNonce: UInt64?
    /// Set by a member that founded the cluster counting the asker's current
    /// incarnation (the request's nonce) as an empty disk: the asker has
    /// promised nothing since and may join as an ordinary replica.
    public var foundedWithAsker: Bool

    public init(term: Term, from: ReplicaID, nonce: UInt64, standing: Standing, leaderLastIndex: LogIndex?, clusterID: ClusterID = 0,
                responderNonce: UInt64? = nil, foundedWithAsker: Bool = false) {
        self.clusterID = clusterID
        self.responderNonce = responderNonce
        self.foundedWithAsker = foundedWithAsker
        self.term = term
        self.from = from
        self.nonce = nonce
        self.standing = standing
        self.leaderLastIndex = leaderLastIndex
    }
}
