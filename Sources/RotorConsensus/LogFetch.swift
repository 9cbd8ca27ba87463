/// A new leader's copy of the most up-to-date log of its majority, gathered
/// from `DoViewChange` chunks: entries `first...lastIndex` of `replica`'s log.
///
/// Chunks from one replica agree: while that replica waits in this term's
/// view change its log is frozen, and it reports only what is durable.
struct LogFetch: Sendable {
    let replica: ReplicaID
    let first: LogIndex
    let lastIndex: LogIndex
    private(set) var entries: [LogEntry] = []

    init(replica: ReplicaID, first: LogIndex, lastIndex: LogIndex) {
        self.replica = replica
        self.first = first
        self.lastIndex = lastIndex
    }

    /// The next index to fetch.
    var next: LogIndex { first + LogIndex(entries.count) }
    var isComplete: Bool { next > lastIndex }

    /// Whether this fetch is still the right one for `best`, the current choice.
    func continues(_ best: DoViewChange, from needFrom: LogIndex) -> Bool {
        best.from == replica && best.lastIndex == lastIndex && needFrom == first
    }

    /// Takes the entries of a report or a `LogRequest` answer that extend what we hold.
    mutating func absorb(_ message: DoViewChange) {
        guard message.from == replica, message.lastIndex == lastIndex else { return }
        for entry in message.entries where entry.index == next && entry.index <= lastIndex {
            entries.append(entry)
        }
    }
}
