/// A fixed-size set of small integers: which operations the search has linearized so far.
struct Bitset: Hashable {
    private(set) var words: [UInt64]

    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

    @inline(__always) mutating func insert(_ index: Int32) {
        words[Int(index) >> 6] |= 1 << UInt64(index & 63)
    }

    @inline(__always) func contains(_ index: Int32) -> Bool {
        words[Int(index) >> 6] & (1 << UInt64(index & 63)) != 0
    }

    @inline(__always) mutating func remove(_ index: Int32) {
        words[Int(index) >> 6] &= ~(1 << UInt64(index & 63))
    }

    /// The set without its leading all-ones words and trailing zero words: equal sets give equal
    /// results. The search linearizes operations roughly in invocation order, so this is a short
    /// window near the frontier even for histories of tens of thousands of operations, which keeps
    /// search-cache entries small.
    func window() -> (base: Int32, words: [UInt64]) {
        var base = 0
        while base < words.count && words[base] == ~0 { base += 1 }
        var end = words.count
        while end > base && words[end - 1] == 0 { end -= 1 }
        return (Int32(base), Array(words[base..<end]))
    }

    /// The set without trailing zero words: equal sets give equal results.
    func trimmed() -> [UInt64] {
        var end = words.count
        while end > 0 && words[end - 1] == 0 { end -= 1 }
        return end == words.count ? words : Array(words[..<end])
    }
}

/// Whether the trimmed set `small` is a subset of the trimmed set `large`.
@inline(__always)
func isSubset(_ small: [UInt64], of large: [UInt64]) -> Bool {
    if small.count > large.count { return false }
    for index in small.indices where small[index] & ~large[index] != 0 { return false }
    return true
}
