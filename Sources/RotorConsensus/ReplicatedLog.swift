/// The in-memory log: entries `baseIndex+1...lastIndex`, contiguous. Entries
/// up to `baseIndex` were compacted into a snapshot; `baseTerm` is the term at
/// `baseIndex`, kept so that an append right after the base can be matched.
struct ReplicatedLog: Sendable, Equatable {
    private(set) var baseIndex: LogIndex
    private(set) var baseTerm: Term
    private(set) var entries: [LogEntry]

    init(_ entries: [LogEntry]) {
        self.init(baseIndex: 0, baseTerm: 0, entries: entries)
    }

    init(baseIndex: LogIndex, baseTerm: Term, entries: [LogEntry]) {
        for (offset, entry) in entries.enumerated() {
            precondition(entry.index == baseIndex + LogIndex(offset) + 1, "a log must start right after its base and be contiguous")
        }
        self.baseIndex = baseIndex
        self.baseTerm = baseTerm
        self.entries = entries
    }

    /// The log a replica restarts with: the stored entries, from the stored
    /// snapshot on. Stored entries may start before the snapshot's index (a disk
    /// deletes whole segments); then the first of them serves as the base.
    init(restoring durable: DurableState) {
        guard let snapshot = durable.snapshot else {
            self.init(durable.log)
            return
        }
        let log = durable.log
        if let first = log.first, first.index <= snapshot.index {
            precondition(log.last!.index >= snapshot.index, "a stored log that starts inside the snapshot must reach it")
            self.init(baseIndex: first.index, baseTerm: first.term, entries: Array(log.dropFirst()))
        } else {
            precondition(log.first.map { $0.index == snapshot.index + 1 } ?? true, "a stored log must continue its snapshot")
            self.init(baseIndex: snapshot.index, baseTerm: snapshot.term, entries: log)
        }
    }

    var lastIndex: LogIndex { baseIndex + LogIndex(entries.count) }

    /// The term of the entry at `index`: the base term at the base, nil
    /// outside the log (before the base, the entry is compacted).
    func term(at index: LogIndex) -> Term? {
        if index == baseIndex { return baseTerm }
        guard index > baseIndex && index <= lastIndex else { return nil }
        return entries[position(index)].term
    }

    subscript(index: LogIndex) -> LogEntry {
        precondition(index > baseIndex && index <= lastIndex, "log index \(index) outside \(baseIndex + 1)...\(lastIndex)")
        return entries[position(index)]
    }

    private func position(_ index: LogIndex) -> Int { Int(index - baseIndex - 1) }

    /// Entries from `from` through `through` (clamped to the log).
    func slice(from: LogIndex, through: LogIndex) -> [LogEntry] {
        let lower = max(from, baseIndex + 1)
        let upper = min(through, lastIndex)
        guard lower <= upper else { return [] }
        return Array(entries[position(lower)...position(upper)])
    }

    /// At most `maxEntries` entries from `from` through `through`, and no more
    /// than `maxBytes` of entry data unless a single entry is larger: every
    /// message must fit in one frame, whatever the batch size.
    func batch(from: LogIndex, through: LogIndex, maxEntries: Int, maxBytes: Int) -> [LogEntry] {
        let lower = max(from, baseIndex + 1)
        let upper = min(through, lastIndex, lower + LogIndex(maxEntries) - 1)
        guard lower <= upper else { return [] }
        var bytes = 0
        let start = position(lower)
        var end = start
        while end <= position(upper) {
            bytes += entries[end].data.count + 32
            if bytes > maxBytes && end > start { break }
            end += 1
        }
        return Array(entries[start..<end])
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
        precondition(index >= baseIndex, "cannot truncate into the snapshot (\(index) < base \(baseIndex))")
        if index < lastIndex { entries.removeSubrange(position(index + 1)...) }
    }

    /// Drops entries through `index`, which must be in the log: they are in a snapshot now.
    mutating func compact(through index: LogIndex) {
        guard index > baseIndex else { return }
        let term = self.term(at: index)!
        entries.removeFirst(position(index) + 1)
        baseIndex = index
        baseTerm = term
    }

    /// Replaces the log up to `snapshot.index` with the snapshot. Entries after
    /// it survive only if the log holds the snapshot's last entry (log matching).
    /// Returns whether later entries were dropped.
    @discardableResult
    mutating func install(_ snapshot: Snapshot) -> Bool {
        if matches(index: snapshot.index, term: snapshot.term) {
            compact(through: snapshot.index)
            return false
        }
        entries = []
        baseIndex = snapshot.index
        baseTerm = snapshot.term
        return true
    }

    /// The last index before the run of entries that share `index`'s term:
    /// where a leader should back up to when that term conflicts.
    func indexBeforeTerm(containing index: LogIndex) -> LogIndex {
        guard let conflicting = term(at: index), index > baseIndex else { return baseIndex }
        var cursor = index
        while cursor > baseIndex + 1, term(at: cursor - 1) == conflicting { cursor -= 1 }
        return cursor - 1
    }
}
