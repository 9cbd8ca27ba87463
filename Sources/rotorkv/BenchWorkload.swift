import RotorModel

/// What `bench` asks for: which keys, how big the values, how many reads.
struct BenchWorkload: Sendable {
    var keyCount: Int
    var keySize: Int
    var valueSize: Int
    /// Fraction of operations that are gets, 0...1.
    var readRatio: Double
    var consistency: ReadConsistency

    /// The i-th key: the decimal index, zero-padded to `keySize` bytes.
    func key(_ index: Int) -> Bytes {
        var digits = Bytes(repeating: UInt8(ascii: "0"), count: keySize)
        var rest = index
        var position = keySize - 1
        while rest > 0 && position >= 0 {
            digits[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
        return digits
    }

    /// Whether `keySize` digits can spell every key index.
    var keysFit: Bool { String(max(keyCount - 1, 0)).count <= keySize }

    func nextRequest(_ random: inout BenchRandom, value: inout Bytes) -> (ClientRequest, isRead: Bool) {
        let key = key(Int(random.next() % UInt64(keyCount)))
        if Double(random.next() % 1_000_000) / 1_000_000 < readRatio {
            return (.get(GetRequest(key: key, options: ReadOptions(consistency: consistency))), true)
        }
        let stamp = random.next()
        for i in 0..<min(8, value.count) { value[i] = UInt8(truncatingIfNeeded: stamp >> (8 * UInt64(i))) }
        return (.put(PutRequest(key: key, value: value)), false)
    }
}

/// SplitMix64: a tiny, fast, seedable generator, one per connection.
struct BenchRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
