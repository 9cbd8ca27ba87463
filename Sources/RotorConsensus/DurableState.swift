/// Everything a replica keeps across a crash. The shell writes it as the
/// core's `.persist` actions ask, and hands it back to `Replica.init` on
/// restart; nothing else survives.
public struct DurableState: Sendable, Equatable {
    /// The highest term this replica joined; it refuses messages of older terms.
    public var term: Term
    public var status: ViewStatus
    /// The latest term in which this replica's log was in step with a leader
    /// (VR's "last normal view"): the first key when a new leader picks the
    /// most up-to-date log.
    public var lastNormalTerm: Term
    /// Set while this replica rebuilds a lost data directory (VR's recovery
    /// rule): it counts toward no quorum until it has caught up.
    public var recovering: Bool
    /// The cluster this replica belongs to (0: not known yet).
    public var clusterID: ClusterID
    /// The latest snapshot: the state through `snapshot.index`.
    public var snapshot: Snapshot?
    /// Contiguous entries. With a snapshot they start at or before
    /// `snapshot.index + 1` (entries the snapshot covers may remain until
    /// their segment goes); without one, at index 1.
    public var log: [LogEntry]

    public init(term: Term = 0, status: ViewStatus = .normal, lastNormalTerm: Term = 0, recovering: Bool = false,
                clusterID: ClusterID = 0, snapshot: Snapshot? = nil, log: [LogEntry] = []) {
        self.term = term
        self.status = status
        self.lastNormalTerm = lastNormalTerm
        self.recovering = recovering
        self.clusterID = clusterID
        self.snapshot = snapshot
        self.log = log
    }

    /// The metadata part.
    public var metadata: DurableMetadata {
        DurableMetadata(term: term, status: status, lastNormalTerm: lastNormalTerm, recovering: recovering, clusterID: clusterID)
    }

    /// The index of the last entry held, in the log or the snapshot.
    public var lastIndex: LogIndex { log.last?.index ?? snapshot?.index ?? 0 }

    /// The state of every replica of a new cluster: term 0, normal, empty log.
    public static let initial = DurableState()
}

/// The metadata part of `DurableState`, written atomically.
public struct DurableMetadata: Sendable, Equatable {
    public var term: Term
    public var status: ViewStatus
    public var lastNormalTerm: Term
    /// See `DurableState.recovering`.
    public var recovering: Bool
    /// See `DurableState.clusterID`.
    public var clusterID: ClusterID

    public init(term: Term, status: ViewStatus, lastNormalTerm: Term, recovering: Bool = false, clusterID: ClusterID = 0) {
        self.term = term
        self.status = status
        self.lastNormalTerm = lastNormalTerm
        self.recovering = recovering
        self.clusterID = clusterID
    }
}

/// One durable write the core needs. The shell performs these strictly in
/// order and reports each with `.persisted(token)`; the core sends nothing
/// that promises durability (acknowledgements, votes) before that.
///
/// Contract for the disk shell: a request is all-or-nothing across a crash,
/// or at least its log changes (truncation, entries) are durable before its
/// metadata. A replica whose metadata says "normal in term t" must hold the
/// log it adopted for t; metadata written first and entries lost would let a
/// later term adopt a log missing committed entries. A snapshot is durable
/// before the log entries it covers are deleted.
///
/// The steps, in order: metadata; `truncateAfter`; `snapshot` (replaces the
/// stored snapshot); `compactThrough` (entries up to it may be deleted);
/// `entries`.
public struct PersistRequest: Sendable, Equatable {
    public var token: UInt64
    /// New metadata to write, if it changed.
    public var metadata: DurableMetadata?
    /// Drop every log entry after this index before appending (a conflicting suffix).
    public var truncateAfter: LogIndex?
    /// A snapshot to store in place of the current one: one this replica took
    /// (compaction) or one it received from the leader (state transfer).
    public var snapshot: Snapshot?
    /// Entries up to this index are covered by the stored snapshot and may be
    /// deleted (a disk deletes only whole segments). Never above `snapshot.index`.
    public var compactThrough: LogIndex?
    /// Entries to append, in index order, right after the (possibly truncated) log.
    public var entries: [LogEntry]

    public init(token: UInt64, metadata: DurableMetadata?, truncateAfter: LogIndex?, snapshot: Snapshot? = nil,
                compactThrough: LogIndex? = nil, entries: [LogEntry]) {
        self.token = token
        self.metadata = metadata
        self.truncateAfter = truncateAfter
        self.snapshot = snapshot
        self.compactThrough = compactThrough
        self.entries = entries
    }

    /// Applies this request to a stored state: what a disk does (compacting
    /// exactly, where a real disk deletes whole segments only).
    public func apply(to state: inout DurableState) {
        if let metadata {
            state.term = metadata.term
            state.status = metadata.status
            state.lastNormalTerm = metadata.lastNormalTerm
            state.recovering = metadata.recovering
            state.clusterID = metadata.clusterID
        }
        if let truncateAfter {
            state.log.removeAll { $0.index > truncateAfter }
        }
        if let snapshot {
            state.snapshot = snapshot
            // A log that no longer reaches the snapshot cannot be continued from it.
            if let first = state.log.first, first.index > snapshot.index + 1 || state.lastIndex < snapshot.index {
                state.log.removeAll()
            }
        }
        if let compactThrough {
            precondition(compactThrough <= (state.snapshot?.index ?? 0), "compacting past the stored snapshot")
            state.log.removeAll { $0.index <= compactThrough }
        }
        for entry in entries {
            precondition(entry.index == state.lastIndex + 1, "persisted entries must extend the log contiguously")
            state.log.append(entry)
        }
    }
}
