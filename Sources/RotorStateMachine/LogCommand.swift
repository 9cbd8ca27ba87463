import RotorModel

/// A log entry's payload: a command and the session that identifies it.
///
/// Encoding, version 1 (integers little-endian, varints unsigned LEB128):
///
///     byte 0       format version (1)
///     byte 1       bits 0-3 opcode (1 put, 2 delete, 3 compare-and-set;
///                  4 is a session registration, see `LogPayload`),
///                  bit 4 has session, bit 5 has expected (CAS only), bits 6-7 zero
///     [session]    client id: 8 bytes; request id: varint of its bit pattern
///     key          varint length + bytes
///     put:         value: varint length + bytes
///     CAS:         [expected: varint length + bytes] new value: varint length + bytes
///
/// Request ids are small and sequential, hence a varint; client ids are
/// usually random 64-bit values, hence fixed. Decoding is strict (canonical
/// varints, no unknown bits, no trailing bytes), so whatever decodes
/// re-encodes to the same bytes.
public struct LogCommand: Sendable, Equatable {
    public static let formatVersion: UInt8 = 1

    public var command: KvCommand
    /// nil: the write is not deduplicated and always applies.
    public var session: ClientSession?

    public init(command: KvCommand, session: ClientSession? = nil) {
        self.command = command
        self.session = session
    }

    /// The version-1 encoding.
    public func encoded() -> Bytes {
        var writer = ByteWriter(reservingCapacity: encodedSizeEstimate)
        encode(into: &writer)
        return writer.bytes
    }

    /// Streams the version-1 encoding into `sink` (a buffer, or a hash).
    func encode<Sink: ByteSink>(into sink: inout Sink) {
        sink.append(Self.formatVersion)
        sink.append(header)
        if let session {
            sink.writeInt64(session.clientID)
            sink.writeVarint(UInt64(bitPattern: session.requestID))
        }
        writeOperands(into: &sink)
    }

    /// Decodes an encoding; any malformed or truncated input is an
    /// INTERNAL error (entries are checksummed upstream, so it means a bug or
    /// corruption), never a trap.
    public static func decode(_ bytes: Bytes) throws(KVError) -> LogCommand {
        var reader = ByteReader(bytes, context: "log entry")
        let version = try reader.readByte()
        guard version == formatVersion else {
            throw reader.corrupt("unsupported format version \(version), expected \(formatVersion)")
        }
        let header = try reader.readByte()
        guard header & 0xC0 == 0 else { throw reader.corrupt("unknown header bits \(header)") }
        let session = header & Flag.session != 0 ? try decodeSession(&reader) : nil
        let command = try decodeCommand(opcode: header & 0x0F, hasExpected: header & Flag.expected != 0, &reader)
        try reader.expectEnd()
        return LogCommand(command: command, session: session)
    }
}

extension LogCommand {
    enum Opcode {
        static let put: UInt8 = 1
        static let delete: UInt8 = 2
        static let compareAndSet: UInt8 = 3
        static let registerSession: UInt8 = 4
    }

    private enum Flag {
        static let session: UInt8 = 0x10
        static let expected: UInt8 = 0x20
    }

    private var header: UInt8 {
        var header: UInt8
        switch command {
        case .put: header = Opcode.put
        case .delete: header = Opcode.delete
        case .compareAndSet(_, let expected, _): header = Opcode.compareAndSet | (expected == nil ? 0 : Flag.expected)
        }
        if session != nil { header |= Flag.session }
        return header
    }

    private var encodedSizeEstimate: Int {
        let operands: Int
        switch command {
        case .put(let key, let value): operands = key.count + value.count
        case .delete(let key): operands = key.count
        case .compareAndSet(let key, let expected, let newValue): operands = key.count + (expected?.count ?? 0) + newValue.count
        }
        return 2 + 18 + 30 + operands
    }

    private func writeOperands<Sink: ByteSink>(into writer: inout Sink) {
        switch command {
        case .put(let key, let value):
            writer.writeLengthPrefixed(key)
            writer.writeLengthPrefixed(value)
        case .delete(let key):
            writer.writeLengthPrefixed(key)
        case .compareAndSet(let key, let expected, let newValue):
            writer.writeLengthPrefixed(key)
            if let expected { writer.writeLengthPrefixed(expected) }
            writer.writeLengthPrefixed(newValue)
        }
    }

    private static func decodeSession(_ reader: inout ByteReader) throws(KVError) -> ClientSession {
        let clientID = try reader.readInt64()
        let requestID = Int64(bitPattern: try reader.readVarint())
        return ClientSession(clientID: clientID, requestID: requestID)
    }

    private static func decodeCommand(opcode: UInt8, hasExpected: Bool, _ reader: inout ByteReader) throws(KVError) -> KvCommand {
        guard (Opcode.put ... Opcode.compareAndSet).contains(opcode) else {
            throw reader.corrupt("unknown opcode \(opcode)")
        }
        if hasExpected, opcode != Opcode.compareAndSet {
            throw reader.corrupt("the expected-value flag is set on opcode \(opcode)")
        }
        let key = try reader.readLengthPrefixed("key")
        switch opcode {
        case Opcode.put:
            return .put(key: key, value: try reader.readLengthPrefixed("value"))
        case Opcode.delete:
            return .delete(key: key)
        default:
            let expected = hasExpected ? try reader.readLengthPrefixed("expected value") : nil
            return .compareAndSet(key: key, expected: expected, newValue: try reader.readLengthPrefixed("new value"))
        }
    }
}
