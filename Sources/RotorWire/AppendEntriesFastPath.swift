import NIOCore
import RotorConsensus

/// The replication hot path, `appendEntry` with up to hundreds of entries, in
/// plain Swift over the binary protocol: the generated c_glib code allocates a
/// GObject and a GByteArray per entry each way, which made encoding and decoding
/// a 256-entry batch cost ~0.5 µs per entry.
///
/// The encoder writes exactly the bytes the generated writer writes (fields in
/// id order; tests compare the two). The decoder accepts only the shape a
/// RotorKV replica sends: known fields of the expected types, each at most
/// once, every required field present. For anything else it returns nil and
/// the caller decodes the frame with the generated reader, which handles
/// unknown fields, the legacy single `entry` and reports errors.
enum AppendEntriesFastPath {
    private static let typeStop: UInt8 = 0
    private static let typeI32: UInt8 = 8
    private static let typeI64: UInt8 = 10
    private static let typeString: UInt8 = 11
    private static let typeStruct: UInt8 = 12
    private static let typeList: UInt8 = 15
    private static let versionCall = UInt32(0x8001_0000) | 1
    /// Three i64 fields, an empty binary field and a stop.
    private static let minimumEntryBytes = 3 * (3 + 8) + (3 + 4) + 1

    // MARK: Encoding

    /// Appends one framed `appendEntry` call.
    static func encode(_ m: AppendEntries, proof: [UInt8]?, seqid: Int32, into buffer: inout ByteBuffer) {
        var size = 96 + (proof?.count ?? 0)
        for entry in m.entries { size += 40 + entry.data.count }
        buffer.reserveCapacity(minimumWritableBytes: size)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // the frame length, set below
        let start = buffer.writerIndex

        buffer.writeInteger(versionCall)
        writeBinary(PeerCall.Method.appendEntry.rawValue.utf8, into: &buffer)
        buffer.writeInteger(seqid)
        field(typeStruct, 1, into: &buffer)  // args.request
        field(typeI32, 1, into: &buffer)
        buffer.writeInteger(ThriftMessageCodec.wireReplicaID(m.leaderID))
        i64(3, m.prevIndex, into: &buffer)
        i64(4, m.prevTerm, into: &buffer)
        i64(5, m.term, into: &buffer)
        if !m.entries.isEmpty {
            field(typeList, 6, into: &buffer)
            buffer.writeInteger(typeStruct)
            buffer.writeInteger(Int32(m.entries.count))
            for entry in m.entries {
                i64(1, entry.index, into: &buffer)
                i64(2, entry.term, into: &buffer)
                field(typeString, 3, into: &buffer)
                writeBinary(entry.data, into: &buffer)
                i64(4, entry.timestamp, into: &buffer)
                buffer.writeInteger(typeStop)
            }
        }
        i64(7, m.leaderCommit, into: &buffer)
        i64(8, m.termStartIndex, into: &buffer)
        if let proof {
            field(typeString, 9, into: &buffer)
            writeBinary(proof, into: &buffer)
        }
        buffer.writeInteger(typeStop)  // end of the request
        buffer.writeInteger(typeStop)  // end of the args
        buffer.setInteger(UInt32(buffer.writerIndex - start), at: lengthIndex)
    }

    private static func field(_ type: UInt8, _ id: Int16, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(id)
    }

    private static func i64(_ id: Int16, _ value: Int64, into buffer: inout ByteBuffer) {
        field(typeI64, id, into: &buffer)
        buffer.writeInteger(value)
    }

    private static func writeBinary<Bytes: Collection<UInt8>>(_ bytes: Bytes, into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(bytes.count))
        buffer.writeBytes(bytes)
    }

    // MARK: Decoding

    /// Decodes the arguments of an `appendEntry` call (what follows the message
    /// header), or returns nil when they are not in the expected shape.
    static func decodeArguments(_ args: ByteBuffer) -> (call: AppendEntries, proof: [UInt8]?)? {
        var buffer = args
        var request: (AppendEntries, [UInt8]?)?
        while true {
            guard let (type, id) = readFieldBegin(&buffer) else { return nil }
            if type == typeStop { break }
            guard type == typeStruct, id == 1, request == nil, let decoded = readRequest(&buffer) else { return nil }
            request = decoded
        }
        guard let request else { return nil }
        return (request.0, request.1)
    }

    private static func readRequest(_ buffer: inout ByteBuffer) -> (AppendEntries, [UInt8]?)? {
        var leaderID: Int32?, prevIndex: Int64?, prevTerm: Int64?, term: Int64?
        var entries: [LogEntry]?, leaderCommit: Int64?, termStartIndex: Int64?, proof: [UInt8]?
        while true {
            guard let (type, id) = readFieldBegin(&buffer) else { return nil }
            if type == typeStop { break }
            switch (id, type) {
            case (1, typeI32) where leaderID == nil: guard let value: Int32 = buffer.readInteger() else { return nil }; leaderID = value
            case (3, typeI64) where prevIndex == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; prevIndex = value
            case (4, typeI64) where prevTerm == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; prevTerm = value
            case (5, typeI64) where term == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; term = value
            case (6, typeList) where entries == nil: guard let value = readEntries(&buffer) else { return nil }; entries = value
            case (7, typeI64) where leaderCommit == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; leaderCommit = value
            case (8, typeI64) where termStartIndex == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; termStartIndex = value
            case (9, typeString) where proof == nil: guard let value = readBinary(&buffer) else { return nil }; proof = value
            default: return nil  // the legacy `entry`, an unknown or repeated field, or a wrong type
            }
        }
        guard let leaderID, let prevIndex, let prevTerm, let term else { return nil }  // required fields
        let call = AppendEntries(term: term, leaderID: ReplicaID(leaderID), prevIndex: prevIndex, prevTerm: prevTerm,
                                 entries: entries ?? [], leaderCommit: leaderCommit ?? 0, termStartIndex: termStartIndex ?? 0)
        return (call, proof)
    }

    private static func readEntries(_ buffer: inout ByteBuffer) -> [LogEntry]? {
        guard let elementType: UInt8 = buffer.readInteger(), elementType == typeStruct,
              let count: Int32 = buffer.readInteger(), count >= 0,
              Int(count) <= buffer.readableBytes / minimumEntryBytes  // a larger count is a lie
        else { return nil }
        var entries: [LogEntry] = []
        entries.reserveCapacity(min(Int(count), 4096))
        for _ in 0..<Int(count) {
            guard let entry = readEntry(&buffer) else { return nil }
            entries.append(entry)
        }
        return entries
    }

    private static func readEntry(_ buffer: inout ByteBuffer) -> LogEntry? {
        var index: Int64?, term: Int64?, data: [UInt8]?, timestamp: Int64?
        while true {
            guard let (type, id) = readFieldBegin(&buffer) else { return nil }
            if type == typeStop { break }
            switch (id, type) {
            case (1, typeI64) where index == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; index = value
            case (2, typeI64) where term == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; term = value
            case (3, typeString) where data == nil: guard let value = readBinary(&buffer) else { return nil }; data = value
            case (4, typeI64) where timestamp == nil: guard let value: Int64 = buffer.readInteger() else { return nil }; timestamp = value
            default: return nil
            }
        }
        guard let index, let term, let data, let timestamp else { return nil }
        return LogEntry(index: index, term: term, data: data, timestamp: timestamp)
    }

    private static func readFieldBegin(_ buffer: inout ByteBuffer) -> (UInt8, Int16)? {
        guard let type: UInt8 = buffer.readInteger() else { return nil }
        if type == typeStop { return (type, 0) }
        guard let id: Int16 = buffer.readInteger() else { return nil }
        return (type, id)
    }

    private static func readBinary(_ buffer: inout ByteBuffer) -> [UInt8]? {
        guard let length: Int32 = buffer.readInteger(), length >= 0, Int(length) <= buffer.readableBytes else { return nil }
        return buffer.readBytes(length: Int(length))
    }
}
