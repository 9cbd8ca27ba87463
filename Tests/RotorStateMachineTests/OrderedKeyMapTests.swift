import RotorModel
import RotorStateMachine
import Testing

/// The obvious implementation: a dictionary and a sorted array of its keys.
private struct ReferenceMap {
    var values: [Bytes: Bytes] = [:]
    var sortedKeys: [Bytes] = []

    mutating func set(_ key: Bytes, _ value: Bytes) -> Bytes? {
        let old = values.updateValue(value, forKey: key)
        if old == nil { sortedKeys.insert(key, at: sortedKeys.firstIndex { !bytesLess($0, key) } ?? sortedKeys.count) }
        return old
    }

    mutating func remove(_ key: Bytes) -> Bytes? {
        guard let old = values.removeValue(forKey: key) else { return nil }
        sortedKeys.removeAll { $0 == key }
        return old
    }

    func entries(from start: Bytes, to end: Bytes?, limit: Int) -> ([KeyValue], Bytes?) {
        let inRange = sortedKeys.filter { key in !bytesLess(key, start) && (end.map { bytesLess(key, $0) } ?? true) }
        let page = inRange.prefix(limit).map { KeyValue(key: $0, value: values[$0]!) }
        return (page, inRange.count > limit ? inRange[limit] : nil)
    }
}

/// Keys of one to three bytes (mostly three) over an alphabet with the edge bytes of unsigned
/// order (0x00, 0x7F, 0x80, 0xFF), so collisions are frequent and the key set
/// grows to thousands: several chunks, with splits and merges.
private func randomKey(_ random: inout SplitMix64) -> Bytes {
    let alphabet: [UInt8] = [0x00, 0x01, 0x20, 0x41, 0x42, 0x61, 0x7E, 0x7F, 0x80, 0x81, 0xC0, 0xFE, 0xFF, 0x30, 0x31, 0x32]
    let length = [1, 2, 3, 3, 3, 3].randomElement(using: &random)!
    return (0 ..< length).map { _ in alphabet.randomElement(using: &random)! }
}

private func randomBound(_ random: inout SplitMix64) -> Bytes? {
    Int.random(in: 0 ..< 4, using: &random) == 0 ? nil : randomKey(&random)
}

@Suite("OrderedKeyMap")
struct OrderedKeyMapTests {
    @Test("matches a reference model over thousands of random operations")
    func matchesReferenceModel() throws {
        var random = SplitMix64(seed: 42)
        var map = OrderedKeyMap()
        var reference = ReferenceMap()
        var maxChunks = 0
        var chunkCount = 0
        for step in 0 ..< 12_000 {
            // Mostly inserts first, then mostly deletes, so chunks both split and merge.
            let deleteBias = step < 6_000 ? 1 : 7
            var key = randomKey(&random)
            let choice = Int.random(in: 0 ..< 10, using: &random)
            if choice < deleteBias {
                // Half the deletions hit a present key, so the second phase shrinks the map.
                if Bool.random(using: &random), let present = reference.sortedKeys.randomElement(using: &random) { key = present }
                #expect(map.remove(key) == reference.remove(key), "remove at step \(step)")
            } else if choice < 8 {
                let value = random.bytes(count: Int.random(in: 0 ... 3, using: &random))
                #expect(map.set(key, value) == reference.set(key, value), "set at step \(step)")
            } else if choice < 9 {
                #expect(map[key] == reference.values[key], "get at step \(step)")
            } else {
                let start = randomKey(&random)
                let end = randomBound(&random)
                let limit = [0, 1, 5, 100, 10_000].randomElement(using: &random)!
                let actual = map.entries(from: start, to: end, limit: limit)
                let expected = reference.entries(from: start, to: end, limit: limit)
                #expect(actual.entries == expected.0, "scan entries at step \(step)")
                #expect(actual.continuation == expected.1, "scan continuation at step \(step)")
            }
            #expect(map.count == reference.values.count)
            // Check the structure right after every split, merge or drop, and periodically.
            if map.chunkCount != chunkCount || step % 500 == 0 {
                try #require(map.invariantViolation() == nil, "step \(step): \(map.invariantViolation()!)")
                chunkCount = map.chunkCount
            }
            maxChunks = max(maxChunks, chunkCount)
        }
        #expect(map.invariantViolation() == nil)
        #expect(maxChunks >= 4, "the test must exercise several chunks, saw at most \(maxChunks)")
        #expect(map.count < 1_000, "the deletion phase must shrink the map, left \(map.count)")
        #expect(map.chunkCount < maxChunks, "deletions must merge or drop chunks")
        var inOrder: [Bytes] = []
        map.forEachInOrder { key, value in
            inOrder.append(key)
            #expect(reference.values[key] == value)
        }
        #expect(inOrder == reference.sortedKeys)
    }

    @Test("paging with continuations returns every key in range exactly once, in order")
    func pagingCoversRangeExactlyOnce() {
        var random = SplitMix64(seed: 7)
        var map = OrderedKeyMap()
        var reference = ReferenceMap()
        for _ in 0 ..< 3_000 {
            let key = randomKey(&random)
            _ = map.set(key, key)
            _ = reference.set(key, key)
        }
        for (start, end) in [(Bytes(), nil), ([0x01], [0x80]), ([0x7F, 0xFF], [0x80, 0x00]), ([0xFF, 0xFF, 0xFF], nil), ([0x80], [0x20])] as [(Bytes, Bytes?)] {
            let expected = reference.entries(from: start, to: end, limit: .max).0.map(\.key)
            for limit in [1, 7, 512, 1_000] {
                var seen: [Bytes] = []
                var next: Bytes? = start
                var pages = 0
                while let pageStart = next {
                    let page = map.entries(from: pageStart, to: end, limit: limit)
                    #expect(page.entries.count <= limit)
                    if page.continuation != nil { #expect(page.entries.count == limit) }
                    seen += page.entries.map(\.key)
                    next = page.continuation
                    pages += 1
                }
                #expect(seen == expected, "range \(start)..<\(String(describing: end)) limit \(limit)")
                #expect(pages == max(1, (expected.count + limit - 1) / limit))
            }
        }
    }

    @Test("orders keys by unsigned bytes, shorter prefix first")
    func unsignedOrder() {
        var map = OrderedKeyMap()
        for key: Bytes in [[0xFF], [0x80], [0x7F], [0x00], [], [0x7F, 0x00], [0x00, 0x00]] { map.set(key, [1]) }
        let keys = map.entries(from: [], to: nil, limit: 100).entries.map(\.key)
        #expect(keys == [[], [0x00], [0x00, 0x00], [0x7F], [0x7F, 0x00], [0x80], [0xFF]])
        #expect(map.entries(from: [0x7F], to: [0x80], limit: 100).entries.map(\.key) == [[0x7F], [0x7F, 0x00]])
    }

    @Test("set returns the replaced value; remove returns the removed one; byteCount follows")
    func setAndRemoveReturnOldValues() {
        var map = OrderedKeyMap()
        #expect(map.set(b("k"), b("one")) == nil)
        #expect(map.set(b("k"), b("three")) == b("one"))
        #expect(map.byteCount == 6)
        #expect(map.remove(b("absent")) == nil)
        #expect(map.remove(b("k")) == b("three"))
        #expect(map.isEmpty && map.byteCount == 0 && map.chunkCount == 0)
    }

    @Test("sequential and reverse inserts of 60k keys keep chunks bounded")
    func manyKeysStayChunked() throws {
        var map = OrderedKeyMap()
        for number in 0 ..< 30_000 {
            map.set(bigEndian(UInt32(number)), [])
            map.set(bigEndian(UInt32(1_000_000 - number)), [])
        }
        #expect(map.count == 60_000)
        #expect(map.chunkCount >= 60_000 / OrderedKeyMap.maxChunkSize)
        try #require(map.invariantViolation() == nil)
        let page = map.entries(from: bigEndian(29_998), to: nil, limit: 3)
        #expect(page.entries.map(\.key) == [bigEndian(29_998), bigEndian(29_999), bigEndian(1_000_000 - 29_999)])
        #expect(page.continuation == bigEndian(1_000_000 - 29_998))
    }

    private func bigEndian(_ value: UInt32) -> Bytes {
        (0 ..< 4).map { UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * $0)) }
    }
}
