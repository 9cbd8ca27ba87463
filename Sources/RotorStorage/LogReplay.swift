import RotorConsensus

/// Rebuilds the log from segment images, checking every record: its checksum,
/// and that entries extend the log contiguously after truncations. Pure (no
/// I/O), so the rules for damage are tested on bytes.
struct LogReplay {
    private(set) var log: [LogEntry] = []
    /// Records replayed so far: the sequence number of the next record.
    private(set) var nextSequence: Int64 = 0

    /// How one segment ended.
    struct SegmentEnd: Equatable {
        /// Bytes of good records from the start of the segment.
        var goodBytes: Int
        /// Set when the segment ends in a torn write: why the record at
        /// `goodBytes` is unusable.
        var tornTail: String?
    }

    /// Applies the records of one segment. A record that is cut short, or that
    /// fails its checksum with nothing but zero bytes after it, is a torn tail
    /// if it is in the last segment; anywhere else it is corruption.
    mutating func replay(segment bytes: UnsafeRawBufferPointer, file: String, isLast: Bool) throws(StorageError) -> SegmentEnd {
        var offset = 0
        while offset < bytes.count {
            switch RecordFormat.read(bytes, at: offset) {
            case let .record(record, next):
                try apply(record, file: file, offset: offset)
                offset = next
            case let .incomplete(reason):
                guard isLast else { throw corrupted(file, offset, reason + " in a segment that is not the last one") }
                return SegmentEnd(goodBytes: offset, tornTail: reason)
            case let .damaged(reason, end):
                if isLast, Self.allZero(bytes, from: end ?? offset) {
                    return SegmentEnd(goodBytes: offset, tornTail: reason)
                }
                let context = isLast ? "; more data follows it, so it is not a torn final write" : " in a segment that is not the last one"
                throw corrupted(file, offset, reason + context)
            case let .malformed(reason):
                throw corrupted(file, offset, reason + " (its checksum is valid: this is not a torn write)")
            }
        }
        return SegmentEnd(goodBytes: offset, tornTail: nil)
    }

    private mutating func apply(_ record: LogRecord, file: String, offset: Int) throws(StorageError) {
        switch record {
        case .entry(let entry):
            let expected = LogIndex(log.count) + 1
            guard entry.index == expected else {
                throw corrupted(file, offset, "entry index \(entry.index) does not extend the log, whose next index is \(expected)")
            }
            log.append(entry)
        case .truncate(let index):
            guard index >= 0 else { throw corrupted(file, offset, "truncation after negative index \(index)") }
            if index < LogIndex(log.count) { log.removeSubrange(Int(index)...) }
        }
        nextSequence += 1
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
