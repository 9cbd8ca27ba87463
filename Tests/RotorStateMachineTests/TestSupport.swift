import RotorModel

/// Shorthand for UTF-8 keys and values.
func b(_ string: String) -> Bytes { Bytes(utf8: string) }

/// Bitwise CRC-32 (zlib polynomial), independent of the implementation under test,
/// used to forge snapshot headers with a valid checksum.
func referenceCRC32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// Rewrites a snapshot's checksum field so it matches the (possibly altered) rest.
func resealed(_ snapshot: Bytes) -> Bytes {
    var sealed = snapshot
    let crc = referenceCRC32(Array(snapshot[0 ..< 16]) + Array(snapshot[20...]))
    for index in 0 ..< 4 { sealed[16 + index] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * index)) }
    return sealed
}
