import CZlib

/// CRC-32 (the zlib polynomial) guards every record, the metadata file and
/// the snapshot file: it catches torn writes and flipped bits, which is all a
/// local disk needs (it is not a defence against deliberate tampering).
enum Checksum {
    /// The CRC of `bytes`, or of `continuing`'s bytes followed by `bytes`:
    /// a checksum over several buffers without copying them into one.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return previous }
        return UInt32(truncatingIfNeeded: crc32_z(UInt(previous), base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }
}
