/// One slot of the replicated log (IDL `LogEntry {index, term, data, timestamp}`).
///
/// `data` is an encoded state-machine command; an empty `data` is a no-op,
/// which each new leader commits first so that it knows its commit index
/// covers everything committed before its term.
public struct LogEntry: Sendable, Hashable {
    public var index: LogIndex
    /// The term of the leader that created the entry (kept when it is copied).
    public var term: Term
    public var data: [UInt8]
    /// The creating leader's clock, in nanoseconds; informational.
    public var timestamp: Instant

    public init(index: LogIndex, term: Term, data: [UInt8], timestamp: Instant) {
        self.index = index
        self.term = term
        self.data = data
        self.timestamp = timestamp
    }

    public var isNoOp: Bool { data.isEmpty }
}
