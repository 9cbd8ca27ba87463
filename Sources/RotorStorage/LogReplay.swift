import RotorConsensus

/// Rebuilds the log from segment images, checking every record: its checksum,
/// and that entries extend the log contiguously after truncations and
/// snapshot marks. Pure (no I/O), so the rules for damage are tested on bytes.
///
/// Replay may begin after compacted segments (deleted because a snapshot
/// covers every entry in them). It then starts without knowing the log's
/// next index: the first entry it meets pins it, and from there on every
/// entry is checked as strictly as in a log replayed from record 0.
struct LogReplay {
    /// Where a record sits, to name it in a `.corrupted` error.
    struct Location: Equatable {
        var file: String
        var offset: Int
    }

    /// The last snapshot mark replayed.
    struct SnapshotMark: Equatable {
        var index: LogIndex
        var term: Term
    }

    /// The entries replayed so far, contiguous.
    private(set) var log: [LogEntry] = []
    /// Records replayed so far, plus the sequence number of the first: the
    /// sequence number of the next record.
    private(set) var nextSequence: Int64
    /// The index the next entry must have; `nil` while the records replayed
    /// cannot tell (replay began after compacted segments and has met no entry).
    private(set) var nextIndex: LogIndex?
    /// Whether `log` is the whole log as it stood when the records were
    /// written: no entry of it lies in a deleted segment. True from record 0,
    /// and after a snapshot mark emptied the log.
    private(set) var isComplete: Bool
    private(set) var lastSnapshotMark: SnapshotMark?
    /// The record that began the log as replayed (its first entry, or the
    /// truncation or mark that emptied it).
    private(set) var logStart: Location?

    /// A replay from the segment whose first record is `firstSequence`.
    init(firstSequence: Int64) {
        nextSequence = firstSequence
        isComplete = firstSequence == 0
        nextIndex = isComplete ? 1 : nil
    }

    /// How one segment ended.
    struct SegmentEnd: Equatable {
        /// Bytes of good records from the start of the segment.
        var goodBytes: Int
        /// Set when the segment ends in a torn write: why the record at
        /// `goodBytes` is unusable.
        var tornTail: String?
        /// The lowest and highest index of the entries recorded in the segment
        /// (including entries a later truncation dropped): compaction may
        /// delete the segment once a snapshot covers the highest.
        var entryIndices: ClosedRange<LogIndex>?
    }

    /// Applies the records of one segment. A record that is cut short, or that
    /// fails its checksum with nothing but zero bytes after it, is a torn tail
    /// if it is in the last segment; anywhere else it is corruption.
    mutating func replay(segment bytes: UnsafeRawBufferPointer, file: String, isLast: Bool) throws(StorageError) -> SegmentEnd {
        var offset = 0
        var indices = IndexRange()
        while offset < bytes.count {
            switch RecordFormat.read(bytes, at: offset) {
            case let .record(record, next):
                try apply(record, file: file, offset: offset, indices: &indices)
                offset = next
            case let .incomplete(reason):
                guard isLast else { throw corrupted(file, offset, reason + " in a segment that is not the last one") }
                return SegmentEnd(goodBytes: offset, tornTail: reason, entryIndices: indices.range)
            case let .damaged(reason, end):
                if isLast, Self.allZero(bytes, from: end ?? offset) {
                    return SegmentEnd(goodBytes: offset, tornTail: reason, entryIndices: indices.range)
                }
                let context = isLast ? "; more data follows it, so it is not a torn final write" : " in a segment that is not the last one"
                throw corrupted(file, offset, reason + context)
            case let .malformed(reason):
                throw corrupted(file, offset, reason + " (its checksum is valid: this is not a torn write)")
            }
        }
        return SegmentEnd(goodBytes: offset, tornTail: nil, entryIndices: indices.range)
    }

    /// The lowest and highest entry index seen, kept without optionals on the hot path.
    private struct IndexRange {
        var lowest = LogIndex.max
        var highest = LogIndex.min
        var range: ClosedRange<LogIndex>? { lowest <= highest ? lowest...highest : nil }
    }

    /// `file` and `offset` stay apart (no `Location` per record): this is the
    /// hot path of recovery, which must replay millions of entries a second.
    private mutating func apply(_ record: LogRecord, file: String, offset: Int, indices: inout IndexRange) throws(StorageError) {
        switch record {
        case .entry(let entry):
            try append(entry, file: file, offset: offset)
            indices.lowest = min(indices.lowest, entry.index)
            indices.highest = max(indices.highest, entry.index)
        case .truncate(let index):
            guard index >= 0 else { throw corrupted(file, offset, "truncation after negative index \(index)") }
            truncate(after: index, at: Location(file: file, offset: offset))
        case let .snapshot(index, term):
            guard index >= 1, term >= 0 else { throw corrupted(file, offset, "snapshot mark at index \(index) of term \(term)") }
            applySnapshotMark(SnapshotMark(index: index, term: term), at: Location(file: file, offset: offset))
        }
        nextSequence += 1
    }

    private mutating func append(_ entry: LogEntry, file: String, offset: Int) throws(StorageError) {
        if let expected = nextIndex {
            guard entry.index == expected else {
                throw corrupted(file, offset, "entry index \(entry.index) does not extend the log, whose next index is \(expected)")
            }
        } else if entry.index < 1 {
            throw corrupted(file, offset, "entry index \(entry.index) (indexes start at 1)")
        }
        if log.isEmpty { logStart = Location(file: file, offset: offset) }
        log.append(entry)
        nextIndex = entry.index + 1
    }

    /// Drops the entries after `index`. The store writes a truncation only
    /// when it drops something, and never below its snapshot, so the log
    /// continues at `index + 1` even when no entry of it is left here (they
    /// may lie in a compacted segment).
    private mutating func truncate(after index: LogIndex, at location: Location) {
        if let first = log.first?.index, let last = log.last?.index, index < last {
            log.removeSubrange(Int(max(index - first + 1, 0))...)
            if log.isEmpty { logStart = location }
            nextIndex = index + 1
        } else if log.isEmpty && nextIndex == nil {
            logStart = location
            nextIndex = index + 1
        }
    }

    /// `PersistRequest.apply`'s snapshot step: a log that ends before the
    /// snapshot (or, when the whole log is known, starts after it) is dropped;
    /// an empty log continues right after it. Returns whether the log or its
    /// next index changed. Used for the marks in the log and, at open, for a
    /// snapshot file whose mark a crash kept from the log.
    @discardableResult
    mutating func applySnapshotMark(_ mark: SnapshotMark, at location: Location) -> Bool {
        lastSnapshotMark = mark
        let before = (log.count, nextIndex)
        if let first = log.first?.index, let last = log.last?.index {
            if last < mark.index || (isComplete && first > mark.index + 1) { restart(after: mark.index, at: location) }
        } else if let next = nextIndex, isComplete || next <= mark.index {
            // Known to be empty, or known to end before the snapshot (its
            // entries in compacted segments): either way it restarts after it.
            restart(after: mark.index, at: location)
        }
        // Otherwise the log, hidden in compacted segments, reaches the snapshot
        // and goes on at `nextIndex`, or cannot be told yet.
        return before != (log.count, nextIndex)
    }

    private mutating func restart(after index: LogIndex, at location: Location) {
        log.removeAll()
        nextIndex = index + 1
        isComplete = true
        logStart = location
    }

    /// Whether only zeros follow `offset` (true at the end of the file): a
    /// zero-filled tail is what an unsynced file extension holds after a power cut.
    private static func allZero(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        UnsafeRawBufferPointer(rebasing: bytes[offset...]).allSatisfy { $0 == 0 }
    }

    private func corrupted(_ file: String, _ offset: Int, _ reason: String) -> StorageError {
        .corrupted(file: file, offset: Int64(offset), reason: reason)
    }
}
