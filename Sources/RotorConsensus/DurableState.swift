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
    public var log: [LogEntry]

    public init(term: Term = 0, status: ViewStatus = .normal, lastNormalTerm: Term = 0, log: [LogEntry] = []) {
        self.term = term
        self.status = status
        self.lastNormalTerm = lastNormalTerm
        self.log = log
    }

    /// The state of every replica of a new cluster: term 0, normal, empty log.
    public static let initial = DurableState()
}

/// The metadata part of `DurableState`, written atomically.
public struct DurableMetadata: Sendable, Equatable {
    public var term: Term
    public var status: ViewStatus
    public var lastNormalTerm: Term

    public init(term: Term, status: ViewStatus, lastNormalTerm: Term) {
        self.term = term
        self.status = status
        self.lastNormalTerm = lastNormalTerm
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
/// later term adopt a log missing committed entries.
public struct PersistRequest: Sendable, Equatable {
    public var token: UInt64
    /// New metadata to write, if it changed.
    public var metadata: DurableMetadata?
    /// Drop every log entry after this index before appending (a conflicting suffix).
    public var truncateAfter: LogIndex?
    /// Entries to append, in index order, right after the (possibly truncated) log.
    public var entries: [LogEntry]

    public init(token: UInt64, metadata: DurableMetadata?, truncateAfter: LogIndex?, entries: [LogEntry]) {
        self.token = token
        self.metadata = metadata
        self.truncateAfter = truncateAfter
        self.entries = entries
    }

    /// Applies this request to a stored state: what a disk does.
    public func apply(to state: inout DurableState) {
        if let metadata {
            state.term = metadata.term
            state.status = metadata.status
            state.lastNormalTerm = metadata.lastNormalTerm
        }
        if let truncateAfter, truncateAfter < LogIndex(state.log.count) {
            state.log.removeSubrange(Int(truncateAfter)...)
        }
        for entry in entries {
            precondition(entry.index == LogIndex(state.log.count) + 1, "persisted entries must extend the log contiguously")
            state.log.append(entry)
        }
    }
}
