import CZlib

/// CRC-32 (the zlib polynomial) guards every record and the metadata file:
/// it catches torn writes and flipped bits, which is all a local log needs
/// (it is not a defence against deliberate tampering).
enum Checksum {
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        return UInt32(truncatingIfNeeded: crc32_z(0, base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }
}
