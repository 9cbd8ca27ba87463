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

    func nextRequest(_ random: inout SplitMix64, value: inout Bytes) -> (ClientRequest, isRead: Bool) {
        let key = key(Int(random.next() % UInt64(keyCount)))
        if Double(random.next() % 1_000_000) / 1_000_000 < readRatio {
            return (.get(GetRequest(key: key, options: ReadOptions(consistency: consistency))), true)
        }
        let stamp = random.next()
        for i in 0..<min(8, value.count) { value[i] = UInt8(truncatingIfNeeded: stamp >> (8 * UInt64(i))) }
        return (.put(PutRequest(key: key, value: value)), false)
    }
}
