import RotorModel

/// The canonical encoding of the whole state, version 2: the bytes a snapshot
/// compresses and the digest hashes. It depends only on content (keys in
/// order, clients in order of last use), never on history or memory layout.
///
///     applied index            8 bytes, little-endian
///     key count                varint
///     per key, ascending:      key, value (each varint length + bytes)
///     session table            see ClientSessionTable+Coding
extension KvStateMachine {
    /// Writes the canonical encoding into `sink`.
    func encodePayload<Sink: ByteSink>(into sink: inout Sink) {
        sink.writeInt64(appliedIndex)
        sink.writeCount(data.count)
        data.forEachInOrder { key, value in
            sink.writeLengthPrefixed(key)
            sink.writeLengthPrefixed(value)
        }
        sessions.encode(into: &sink)
    }

    /// The canonical encoding as bytes, in one preallocated buffer.
    package func snapshotPayload() -> Bytes {
        let estimate = 64 + data.byteCount + 6 * data.count + 64 * sessions.clientCount
        var writer = ByteWriter(reservingCapacity: estimate)
        encodePayload(into: &writer)
        return writer.bytes
    }

    /// A 64-bit FNV-1a hash of the canonical encoding: of the applied index,
    /// every key and value, the session table (with its command fingerprints)
    /// and its limits.
    ///
    /// Promise: two state machines have equal digests whenever they are equal
    /// (`==`), whatever histories produced them, and a snapshot restores to the
    /// same digest. Unequal states differ in digest except for 64-bit
    /// collisions. Computed on demand, O(size of the state).
    public func digest() -> UInt64 {
        var hash = FNV1a64()
        encodePayload(into: &hash)
        return hash.value
    }

    /// Decodes and validates a canonical encoding: keys strictly ascending,
    /// sessions consistent, no trailing bytes.
    static func decodePayload(_ bytes: Bytes) throws(KVError) -> KvStateMachine {
        var reader = ByteReader(bytes, context: "snapshot")
        let appliedIndex = try reader.readInt64()
        guard appliedIndex >= 0 else { throw reader.corrupt("negative applied index \(appliedIndex)") }
        let data = try decodeKeys(from: &reader)
        let sessions = try ClientSessionTable.decode(from: &reader, appliedIndex: appliedIndex)
        try reader.expectEnd()
        return KvStateMachine(appliedIndex: appliedIndex, data: data, sessions: sessions)
    }

    private static func decodeKeys(from reader: inout ByteReader) throws(KVError) -> OrderedKeyMap {
        let count = try reader.readCount(atMost: reader.remaining / 2, "key count")
        var data = OrderedKeyMap()
        data.reserveCapacity(count)
        var previous: Bytes?
        for _ in 0 ..< count {
            let key = try reader.readLengthPrefixed("key")
            let value = try reader.readLengthPrefixed("value")
            if let previous, !bytesLess(previous, key) { throw reader.corrupt("keys out of order") }
            data.appendGreatest(key, value)
            previous = key
        }
        return data
    }
}
