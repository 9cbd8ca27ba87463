import RotorModel

/// Bounds-checked decoding of untrusted bytes. Every read checks what remains
/// first and reports a KVError naming `context`, so malformed log entries and
/// snapshots are rejected instead of trapping.
struct ByteReader {
    private let bytes: Bytes
    private(set) var offset: Int
    /// What is being decoded, e.g. "log entry"; prefixes every error message.
    let context: String

    init(_ bytes: Bytes, context: String) {
        self.bytes = bytes
        self.offset = 0
        self.context = context
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    /// An error that says what is wrong and where.
    func corrupt(_ problem: String) -> KVError {
        .internalError("corrupt \(context): \(problem) (at byte \(offset) of \(bytes.count))")
    }

    mutating func readByte() throws(KVError) -> UInt8 {
        guard offset < bytes.count else { throw corrupt("truncated: expected 1 more byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// `count` raw bytes; the count is checked against what remains before allocating.
    mutating func readBytes(_ count: Int) throws(KVError) -> Bytes {
        guard count >= 0, count <= remaining else {
            throw corrupt("truncated: expected \(count) more bytes, \(remaining) remain")
        }
        defer { offset += count }
        return Array(bytes[offset ..< offset + count])
    }

    /// Canonical unsigned LEB128 (at most 10 bytes, no redundant trailing zero
    /// group), so every accepted encoding re-encodes to the same bytes.
    mutating func readVarint() throws(KVError) -> UInt64 {
        var value: UInt64 = 0
        for index in 0 ..< 10 {
            let byte = try readByte()
            let group = UInt64(byte & 0x7F)
            if index == 9, byte > 1 { throw corrupt("varint overflows 64 bits") }
            value |= group << UInt64(7 * index)
            if byte & 0x80 == 0 {
                if index > 0, byte == 0 { throw corrupt("non-canonical varint") }
                return value
            }
        }
        throw corrupt("varint longer than 10 bytes")
    }

    /// A varint that must fit `limit` (inclusive), e.g. a length that must not
    /// exceed the bytes that remain.
    mutating func readCount(atMost limit: Int, _ what: @autoclosure () -> String) throws(KVError) -> Int {
        let value = try readVarint()
        guard value <= UInt64(max(limit, 0)) else {
            throw corrupt("\(what()) \(value) exceeds the possible maximum \(limit)")
        }
        return Int(value)
    }

    mutating func readFixed64() throws(KVError) -> UInt64 {
        guard remaining >= 8 else { throw corrupt("truncated: expected 8 more bytes, \(remaining) remain") }
        var value: UInt64 = 0
        for index in 0 ..< 8 {
            value |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        offset += 8
        return value
    }

    mutating func readInt64() throws(KVError) -> Int64 {
        Int64(bitPattern: try readFixed64())
    }

    /// A varint length, then that many bytes.
    mutating func readLengthPrefixed(_ what: @autoclosure () -> String) throws(KVError) -> Bytes {
        let count = try readCount(atMost: remaining, "\(what()) length")
        return try readBytes(count)
    }

    /// Fails unless every byte was consumed: trailing garbage means corruption.
    func expectEnd() throws(KVError) {
        guard isAtEnd else { throw corrupt("\(remaining) unexpected trailing bytes") }
    }
}
