/// What a leader tracks about its term; discarded when it steps down.
struct LeaderState: Sendable {
    struct Follower: Sendable {
        /// Next entry to send.
        var nextIndex: LogIndex
        /// Highest index acknowledged in this term (durable, and matching ours).
        var matchIndex: LogIndex = 0
        /// Each `appendEntries` in flight: what it followed, its last index, when it left.
        var inFlight: [(prevIndex: LogIndex, lastIndex: LogIndex, sentAt: Instant)] = []
        /// After a refusal, one append at a time until one fits (Raft's probe
        /// state): pipelining into a mismatch would multiply refusals.
        var probing = false
        /// When an answer in this term last came from the follower (check-quorum).
        var lastHeard: Instant
        /// A snapshot being sent because the follower needs compacted entries.
        var transfer: SnapshotTransfer?
        /// The follower said it is rebuilding a lost disk: its acknowledgements
        /// move its window but count toward no commit, read or check-quorum.
        var recovering = false
        /// Its match, when it counts toward a commit.
        var countedMatch: LogIndex { recovering ? 0 : matchIndex }
    }

    /// One snapshot going to one follower, one chunk at a time.
    struct SnapshotTransfer: Sendable {
        var snapshotIndex: LogIndex
        var nextOffset: Int = 0
        /// When the chunk at `nextOffset` left, while it is unanswered.
        var sentAt: Instant?
    }

    var followers: [ReplicaID: Follower]
    /// The no-op this term opened with; reads wait until it commits.
    var termStartIndex: LogIndex
    /// The start of the term must be durable before the leader sends or counts itself.
    var startToken: UInt64
    var ready = false
    var nextHeartbeatAt: Instant
    var round: UInt64 = 0
    /// Client writes by the index they were given.
    var pendingWrites: [LogIndex: ClientToken] = [:]
    var reads = ReadConfirmation()
}

/// ReadIndex: a read is served at the commit index it saw on arrival, once a
/// majority has answered a heartbeat round that started after it arrived,
/// which proves the leader was still leading then. No clocks are involved.
struct ReadConfirmation: Sendable {
    /// Reads that arrived before this term's no-op committed: their read index is not known yet.
    var awaitingTermStart: [ClientToken] = []
    /// Reads waiting for the next round.
    var queued: [(token: ClientToken, index: LogIndex)] = []
    /// The round being confirmed, its reads and who acknowledged it.
    var round: UInt64?
    var confirming: [(token: ClientToken, index: LogIndex)] = []
    var acknowledged: Set<ReplicaID> = []
}
