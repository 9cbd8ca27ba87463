import RotorModel

/// Snapshots: the canonical payload, compressed and checksummed.
///
///     bytes 0-3    magic "RKVS"
///     bytes 4-7    format version (2: session results carry command
///                  fingerprints), little-endian
///     bytes 8-15   payload size before compression, little-endian
///     bytes 16-19  CRC-32 of every other byte of the snapshot, little-endian
///     bytes 20-    the payload as one zlib stream
///
/// The checksum covers the header too, so any damage is reported as such
/// before decompression is even attempted.
extension KvStateMachine {
    public static let snapshotMagic: Bytes = Array("RKVS".utf8)
    public static let snapshotVersion: UInt32 = 2
    static let snapshotHeaderSize = 20
    private static let checksumOffset = 16

    /// The whole state as a self-checking byte string for `restore`.
    /// Deterministic: equal states give equal snapshots (with one zlib build).
    public func snapshot() -> Bytes {
        Self.snapshotContainer(wrapping: snapshotPayload())
    }

    /// Rebuilds a state machine from `snapshot()` output, including its
    /// session limits. Verifies magic, version, checksum, size and every field,
    /// and reports what is wrong; no input makes it trap.
    public static func restore(_ bytes: Bytes) throws(KVError) -> KvStateMachine {
        let payloadSize = try checkHeader(bytes)
        let payload = try Zlib.uncompress(bytes, from: snapshotHeaderSize, size: payloadSize)
        return try decodePayload(payload)
    }

    /// Compresses a payload and frames it with the header (for tests of the
    /// payload decoder behind a valid checksum, too).
    package static func snapshotContainer(wrapping payload: Bytes) -> Bytes {
        let capacity = snapshotHeaderSize + Zlib.compressBound(payload.count)
        var snapshot = Bytes(unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            let body = UnsafeMutableRawBufferPointer(rebasing: raw[snapshotHeaderSize...])
            initialized = snapshotHeaderSize + Zlib.compress(payload, into: body)
        }
        snapshot.replaceSubrange(0 ..< 4, with: snapshotMagic)
        store(UInt64(snapshotVersion), bytes: 4, at: 4, in: &snapshot)
        store(UInt64(payload.count), bytes: 8, at: 8, in: &snapshot)
        store(UInt64(checksum(of: snapshot)), bytes: 4, at: checksumOffset, in: &snapshot)
        return snapshot
    }

    /// Validates the header and checksum; returns the payload size.
    private static func checkHeader(_ bytes: Bytes) throws(KVError) -> Int {
        guard bytes.count >= snapshotHeaderSize else {
            throw .internalError("corrupt snapshot: \(bytes.count) bytes, shorter than the \(snapshotHeaderSize)-byte header")
        }
        guard Array(bytes[0 ..< 4]) == snapshotMagic else {
            throw .internalError("not a RotorKV snapshot: bad magic \(Array(bytes[0 ..< 4]))")
        }
        let version = load(bytes: 4, at: 4, in: bytes)
        guard version == UInt64(snapshotVersion) else {
            throw .internalError("unsupported snapshot version \(version); this build reads version \(snapshotVersion)")
        }
        let stored = UInt32(load(bytes: 4, at: checksumOffset, in: bytes))
        let computed = checksum(of: bytes)
        guard stored == computed else {
            throw .internalError("corrupt snapshot: checksum mismatch (stored \(stored), computed \(computed))")
        }
        return try payloadSize(claimed: load(bytes: 8, at: 8, in: bytes), compressed: bytes.count - snapshotHeaderSize)
    }

    /// The claimed payload size, if zlib could possibly produce it from
    /// `compressed` bytes: guards the allocation against a forged header.
    private static func payloadSize(claimed: UInt64, compressed: Int) throws(KVError) -> Int {
        let possible = UInt64(compressed) * UInt64(Zlib.maxExpansion)
        guard claimed <= possible, claimed <= UInt64(Int.max) else {
            throw .internalError("corrupt snapshot: claims \(claimed) payload bytes from \(compressed) compressed bytes")
        }
        return Int(claimed)
    }

    /// CRC-32 over the snapshot, skipping the checksum field itself.
    private static func checksum(of snapshot: Bytes) -> UInt32 {
        snapshot.withUnsafeBytes { raw in
            let head = Zlib.crc32(UnsafeRawBufferPointer(rebasing: raw[..<checksumOffset]))
            return Zlib.crc32(UnsafeRawBufferPointer(rebasing: raw[snapshotHeaderSize...]), continuing: head)
        }
    }

    private static func load(bytes count: Int, at offset: Int, in source: Bytes) -> UInt64 {
        (0 ..< count).reduce(0) { $0 | UInt64(source[offset + $1]) << UInt64(8 * $1) }
    }

    private static func store(_ value: UInt64, bytes count: Int, at offset: Int, in target: inout Bytes) {
        for index in 0 ..< count {
            target[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index))
        }
    }
}
