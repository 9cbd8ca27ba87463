import RotorModel

/// FNV-1a, 64 bits, as a ByteSink. Chosen for the state digest because it is
/// fixed (no per-process seed, unlike Swift's Hasher), trivially re-implemented
/// by external tools, and fast enough over the state's canonical encoding.
/// It detects divergence; it is not a cryptographic commitment.
struct FNV1a64: ByteSink {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value: UInt64 = FNV1a64.offsetBasis

    mutating func append(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* FNV1a64.prime
    }

    mutating func append(contentsOf bytes: Bytes) {
        var hash = value
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* FNV1a64.prime
        }
        value = hash
    }
}
