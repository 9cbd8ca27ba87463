import RotorModel

/// A tiny seeded PRNG, so every randomized test replays the same sequence.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> Bytes {
        (0 ..< count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

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
