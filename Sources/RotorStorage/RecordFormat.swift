import RotorConsensus

/// One record of the write-ahead log. Replaying the records in order rebuilds
/// the log, so a truncation is logical: the file keeps the dropped entries'
/// bytes and the record says to forget them (no file is ever rewritten).
enum LogRecord: Equatable {
    case entry(LogEntry)
    /// Drop every entry after `index`.
    case truncate(after: LogIndex)
    /// The snapshot through `index` was stored (the snapshot file was durable
    /// before this record was written). As in `PersistRequest.apply`, a log
    /// that does not connect to it is dropped, and an empty log continues at
    /// `index + 1`: without this record, entries appended after such a
    /// snapshot would not extend the log as replayed.
    case snapshot(index: LogIndex, term: Term)
}

/// The bytes of a record: `[u32 payload length][u32 crc32 of payload][payload]`,
/// little-endian. The payload starts with a kind byte:
/// - entry (1): index i64, term i64, timestamp i64, then the data (the rest);
/// - truncation (2): index i64;
/// - snapshot mark (3): index i64, term i64.
/// The kind byte keeps every payload non-empty, so a zero-filled region (what
/// an unsynced file extension often holds after a power cut) never parses as
/// a record: the crc32 of nothing is 0.
enum RecordFormat {
    static let headerBytes = 8
    /// Larger lengths are damage, not data: entries are bounded far below this.
    static let maxPayloadBytes = 1 << 30
    static let entryKind: UInt8 = 1
    static let truncationKind: UInt8 = 2
    static let snapshotKind: UInt8 = 3
    static let entryFixedBytes = 1 + 3 * 8
    static let truncationBytes = 1 + 8
    static let snapshotMarkBytes = 1 + 2 * 8

    static func encodedSize(_ entry: LogEntry) -> Int { headerBytes + entryFixedBytes + entry.data.count }
    static let encodedTruncationSize = headerBytes + truncationBytes
    static let encodedSnapshotMarkSize = headerBytes + snapshotMarkBytes

    /// Appends the record's bytes to `buffer`; the caller checked `maxPayloadBytes`.
    static func append(_ record: LogRecord, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: headerBytes))
        switch record {
        case .entry(let entry):
            buffer.append(entryKind)
            appendInteger(entry.index, to: &buffer)
            appendInteger(entry.term, to: &buffer)
            appendInteger(entry.timestamp, to: &buffer)
            buffer.append(contentsOf: entry.data)
        case .truncate(let index):
            buffer.append(truncationKind)
            appendInteger(index, to: &buffer)
        case let .snapshot(index, term):
            buffer.append(snapshotKind)
            appendInteger(index, to: &buffer)
            appendInteger(term, to: &buffer)
        }
        let length = buffer.count - start - headerBytes
        buffer.withUnsafeMutableBytes { bytes in
            let crc = Checksum.crc32(UnsafeRawBufferPointer(rebasing: bytes[(start + headerBytes)...]))
            bytes.storeBytes(of: UInt32(length).littleEndian, toByteOffset: start, as: UInt32.self)
            bytes.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }

    private static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// What is found at an offset of a segment image.
    enum Read {
        /// A good record, and the offset just past it.
        case record(LogRecord, next: Int)
        /// The record would end past the end of the file: a write cut short
        /// (or a damaged length field; the two look alike).
        case incomplete(String)
        /// Complete, but its length is impossible or its checksum fails.
        /// `end` is where it claims to end, if its length is plausible.
        case damaged(String, end: Int?)
        /// The checksum holds but the payload makes no sense: never a torn
        /// write, always a bug or deliberate damage.
        case malformed(String)
    }

    static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Read {
        let available = bytes.count - offset
        guard available >= headerBytes else { return .incomplete("record header cut after \(available) of \(headerBytes) bytes") }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let storedCrc = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length > 0, length <= maxPayloadBytes else { return .damaged("impossible payload length \(length)", end: nil) }
        let end = offset + headerBytes + length
        guard end <= bytes.count else {
            return .incomplete("record of \(length) payload bytes runs \(end - bytes.count) bytes past the end of the file")
        }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerBytes)..<end])
        let crc = Checksum.crc32(payload)
        guard crc == storedCrc else {
            return .damaged("checksum mismatch (stored \(hex(storedCrc)), computed \(hex(crc)))", end: end)
        }
        switch decodePayload(payload) {
        case .success(let record): return .record(record, next: end)
        case .failure(let problem): return .malformed(problem.reason)
        }
    }

    struct PayloadProblem: Error { var reason: String }

    private static func decodePayload(_ payload: UnsafeRawBufferPointer) -> Result<LogRecord, PayloadProblem> {
        func integer(at position: Int) -> Int64 {
            Int64(littleEndian: payload.loadUnaligned(fromByteOffset: position, as: Int64.self))
        }
        switch payload[0] {
        case entryKind:
            guard payload.count >= entryFixedBytes else { return .failure(PayloadProblem(reason: "entry payload of only \(payload.count) bytes")) }
            let data = [UInt8](UnsafeRawBufferPointer(rebasing: payload[entryFixedBytes...]))
            return .success(.entry(LogEntry(index: integer(at: 1), term: integer(at: 9), data: data, timestamp: integer(at: 17))))
        case truncationKind:
            guard payload.count == truncationBytes else { return .failure(PayloadProblem(reason: "truncation payload of \(payload.count) bytes")) }
            return .success(.truncate(after: integer(at: 1)))
        case snapshotKind:
            guard payload.count == snapshotMarkBytes else { return .failure(PayloadProblem(reason: "snapshot mark payload of \(payload.count) bytes")) }
            return .success(.snapshot(index: integer(at: 1), term: integer(at: 9)))
        case let kind:
            return .failure(PayloadProblem(reason: "unknown record kind \(kind)"))
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
