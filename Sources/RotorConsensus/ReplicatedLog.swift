/// The in-memory log: entries 1...lastIndex, contiguous.
struct ReplicatedLog: Sendable, Equatable {
    private(set) var entries: [LogEntry]

    init(_ entries: [LogEntry]) {
        for (offset, entry) in entries.enumerated() {
            precondition(entry.index == LogIndex(offset) + 1, "a log must start at index 1 and be contiguous")
        }
        self.entries = entries
    }

    var lastIndex: LogIndex { LogIndex(entries.count) }

    /// The term of the entry at `index`; 0 for index 0 (before the log).
    func term(at index: LogIndex) -> Term? {
        if index == 0 { return 0 }
        guard index >= 1 && index <= lastIndex else { return nil }
        return entries[Int(index - 1)].term
    }

    subscript(index: LogIndex) -> LogEntry {
        precondition(index >= 1 && index <= lastIndex, "log index \(index) outside 1...\(lastIndex)")
        return entries[Int(index - 1)]
    }

    /// Entries from `from` through `through` (clamped to the log).
    func slice(from: LogIndex, through: LogIndex) -> [LogEntry] {
        let lower = max(from, 1)
        let upper = min(through, lastIndex)
        guard lower <= upper else { return [] }
        return Array(entries[Int(lower - 1)..<Int(upper)])
    }

    /// At most `maxEntries` entries from `from` through `through`, and no more
    /// than `maxBytes` of entry data unless a single entry is larger: every
    /// message must fit in one frame, whatever the batch size.
    func batch(from: LogIndex, through: LogIndex, maxEntries: Int, maxBytes: Int) -> [LogEntry] {
        let lower = max(from, 1)
        let upper = min(through, lastIndex, lower + LogIndex(maxEntries) - 1)
        guard lower <= upper else { return [] }
        var bytes = 0
        var end = Int(lower - 1)
        while end < Int(upper) {
            bytes += entries[end].data.count + 32
            if bytes > maxBytes && end > Int(lower - 1) { break }
            end += 1
        }
        return Array(entries[Int(lower - 1)..<end])
    }

    /// Whether the log holds an entry of `term` at `index` (VR/Raft log matching).
    func matches(index: LogIndex, term: Term) -> Bool {
        self.term(at: index) == term
    }

    mutating func append(_ entry: LogEntry) {
        precondition(entry.index == lastIndex + 1, "appending index \(entry.index) after \(lastIndex)")
        entries.append(entry)
    }

    mutating func truncate(after index: LogIndex) {
        precondition(index >= 0, "cannot truncate before the log")
        if index < lastIndex { entries.removeSubrange(Int(index)...) }
    }

    /// The last index before the run of entries that share `index`'s term:
    /// where a leader should back up to when that term conflicts.
    func indexBeforeTerm(containing index: LogIndex) -> LogIndex {
        guard let conflicting = term(at: index), index > 0 else { return 0 }
        var cursor = index
        while cursor > 1, term(at: cursor - 1) == conflicting { cursor -= 1 }
        return cursor - 1
    }
}
