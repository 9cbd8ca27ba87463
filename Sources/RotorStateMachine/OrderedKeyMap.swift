#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RotorModel

/// An ordered map from keys to values in unsigned byte order: the key space of
/// the store.
///
/// Point reads and writes of existing keys go to a hash table (O(1)). The
/// order lives in a separate index of sorted chunks, each at most
/// `maxChunkSize` keys, plus the last key of every chunk (as in Python's
/// sortedcontainers). Inserting a new key binary-searches the chunk maxima,
/// then the chunk, and shifts at most one chunk, so a million keys insert
/// without moving the whole key set. Iteration and scans follow the chunks and
/// never depend on hash order, which keeps snapshots and digests deterministic.
public struct OrderedKeyMap: Sendable {
    /// The largest a chunk may grow before it is split in halves.
    public static let maxChunkSize = 512
    /// Chunks smaller than this merge with a neighbour when the result fits.
    static let mergeThreshold = maxChunkSize / 4
    /// How full bulk loading (`appendGreatest`) packs a chunk.
    static let bulkLoadChunkSize = maxChunkSize / 2

    private var storage: [HashedKey: Bytes] = [:]
    private var chunks: [[Bytes]] = []
    /// `lastKeys[i]` is the greatest key of `chunks[i]`.
    private var lastKeys: [Bytes] = []
    /// Total bytes of all keys and values, maintained so a snapshot can size its buffer.
    public private(set) var byteCount: Int = 0

    public init() {}

    /// The number of keys.
    public var count: Int { storage.count }

    public var isEmpty: Bool { storage.isEmpty }

    /// The value stored under `key`, nil if absent.
    public subscript(key: Bytes) -> Bytes? {
        storage[HashedKey(key)]
    }

    /// Stores `value` under `key`; returns the value it replaced, nil if the key is new.
    @discardableResult
    public mutating func set(_ key: Bytes, _ value: Bytes) -> Bytes? {
        let old = storage.updateValue(value, forKey: HashedKey(key))
        byteCount += value.count - (old?.count ?? -key.count)
        if old == nil { insertIntoIndex(key) }
        return old
    }

    /// Removes `key`; returns its value, nil if it was absent.
    @discardableResult
    public mutating func remove(_ key: Bytes) -> Bytes? {
        guard let old = storage.removeValue(forKey: HashedKey(key)) else { return nil }
        byteCount -= key.count + old.count
        removeFromIndex(key)
        return old
    }

    /// Keys in [start, end) in order, at most `limit` of them and, past the
    /// first, no more than `maxBytes` of `KeyValue.wireBytes` in all (the
    /// first entry is always returned, so a scan always makes progress).
    /// `continuation` is the first key in range not returned when more remain
    /// (the next page's start), nil when the range is exhausted. A nil `end`
    /// means no upper bound.
    public func entries(from start: Bytes, to end: Bytes?, limit: Int,
                        maxBytes: Int = .max) -> (entries: [KeyValue], continuation: Bytes?) {
        precondition(limit >= 0, "scan limit must not be negative, got \(limit)")
        var result: [KeyValue] = []
        var bytes = 0
        result.reserveCapacity(Swift.min(limit, count))
        var (chunkIndex, position) = firstPosition(notLessThan: start)
        while chunkIndex < chunks.count {
            let chunk = chunks[chunkIndex]
            while position < chunk.count {
                let key = chunk[position]
                if let end, !bytesLess(key, end) { return (result, nil) }
                if result.count == limit { return (result, key) }
                let entry = KeyValue(key: key, value: value(ofIndexed: key))
                bytes += entry.wireBytes
                if bytes > maxBytes && !result.isEmpty { return (result, key) }
                result.append(entry)
                position += 1
            }
            chunkIndex += 1
            position = 0
        }
        return (result, nil)
    }

    /// Calls `body` with every entry in key order: how snapshots and the digest
    /// walk the key space without building an array of it.
    public func forEachInOrder(_ body: (_ key: Bytes, _ value: Bytes) throws -> Void) rethrows {
        for chunk in chunks {
            for key in chunk {
                try body(key, value(ofIndexed: key))
            }
        }
    }

    /// Makes room for `count` keys in the hash table, so a bulk load does not rehash as it grows.
    mutating func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(count)
    }

    /// Appends a key greater than every key present, without searching: the
    /// fast path for restoring a snapshot whose keys are already in order.
    mutating func appendGreatest(_ key: Bytes, _ value: Bytes) {
        if let last = lastKeys.last {
            precondition(bytesLess(last, key), "appendGreatest: key is not greater than the current greatest key")
        }
        let isNew = storage.updateValue(value, forKey: HashedKey(key)) == nil
        precondition(isNew, "appendGreatest: key already present")
        byteCount += key.count + value.count
        if chunks.isEmpty || chunks[chunks.count - 1].count >= Self.bulkLoadChunkSize {
            chunks.append([key])
            lastKeys.append(key)
        } else {
            chunks[chunks.count - 1].append(key)
            lastKeys[lastKeys.count - 1] = key
        }
    }

    private func value(ofIndexed key: Bytes) -> Bytes {
        guard let value = storage[HashedKey(key)] else {
            preconditionFailure("OrderedKeyMap: a key in the order index is missing from storage")
        }
        return value
    }
}

// MARK: - The sorted index

extension OrderedKeyMap {
    /// The index of the first chunk whose greatest key is >= `key`;
    /// `chunks.count` if every key is smaller.
    private func chunkIndex(notLessThan key: Bytes) -> Int {
        lowerBound(in: lastKeys, of: key)
    }

    /// Where the first key >= `key` sits: (chunk, position); (chunks.count, 0) if none.
    private func firstPosition(notLessThan key: Bytes) -> (chunk: Int, position: Int) {
        let chunk = chunkIndex(notLessThan: key)
        guard chunk < chunks.count else { return (chunks.count, 0) }
        return (chunk, lowerBound(in: chunks[chunk], of: key))
    }

    /// Inserts a key known to be absent.
    private mutating func insertIntoIndex(_ key: Bytes) {
        guard !chunks.isEmpty else {
            chunks = [[key]]
            lastKeys = [key]
            return
        }
        let chunk = Swift.min(chunkIndex(notLessThan: key), chunks.count - 1)
        let position = lowerBound(in: chunks[chunk], of: key)
        chunks[chunk].insert(key, at: position)
        if position == chunks[chunk].count - 1 { lastKeys[chunk] = key }
        if chunks[chunk].count > Self.maxChunkSize { split(chunk) }
    }

    /// Removes a key known to be present.
    private mutating func removeFromIndex(_ key: Bytes) {
        let (chunk, position) = firstPosition(notLessThan: key)
        precondition(chunk < chunks.count && chunks[chunk][position] == key,
                     "OrderedKeyMap: a stored key is missing from the order index")
        chunks[chunk].remove(at: position)
        if chunks[chunk].isEmpty {
            chunks.remove(at: chunk)
            lastKeys.remove(at: chunk)
            return
        }
        lastKeys[chunk] = chunks[chunk][chunks[chunk].count - 1]
        if chunks[chunk].count < Self.mergeThreshold { mergeWithNeighbour(chunk) }
    }

    /// Splits an over-full chunk into two halves.
    private mutating func split(_ chunk: Int) {
        let keys = chunks[chunk]
        let middle = keys.count / 2
        chunks[chunk] = Array(keys[..<middle])
        lastKeys[chunk] = keys[middle - 1]
        chunks.insert(Array(keys[middle...]), at: chunk + 1)
        lastKeys.insert(keys[keys.count - 1], at: chunk + 1)
    }

    /// Folds a small chunk into its right (else left) neighbour when the two fit
    /// in one chunk, so mass deletions do not leave thousands of tiny chunks.
    private mutating func mergeWithNeighbour(_ chunk: Int) {
        let left: Int
        if chunk + 1 < chunks.count, chunks[chunk].count + chunks[chunk + 1].count <= Self.maxChunkSize {
            left = chunk
        } else if chunk > 0, chunks[chunk - 1].count + chunks[chunk].count <= Self.maxChunkSize {
            left = chunk - 1
        } else {
            return
        }
        let right = chunks.remove(at: left + 1)
        chunks[left].append(contentsOf: right)
        lastKeys.remove(at: left)
    }

    /// The first index in sorted `keys` whose key is >= `key` (keys.count if none).
    /// Borrows the keys through buffer pointers: each probe touches a cold key,
    /// and skipping its retain/release halves the cost of a search.
    private func lowerBound(in keys: [Bytes], of key: Bytes) -> Int {
        keys.withUnsafeBufferPointer { candidates in
            key.withUnsafeBufferPointer { target in
                var low = 0
                var high = candidates.count
                while low < high {
                    let middle = (low + high) / 2
                    let less = candidates[middle].withUnsafeBufferPointer { precedes($0, target) }
                    if less { low = middle + 1 } else { high = middle }
                }
                return low
            }
        }
    }
}

// MARK: - Equality and self-checks

extension OrderedKeyMap: Equatable {
    /// Equal contents; the chunk layout, which depends on history, is ignored.
    public static func == (lhs: OrderedKeyMap, rhs: OrderedKeyMap) -> Bool {
        lhs.storage == rhs.storage
    }
}

extension OrderedKeyMap {
    /// Verifies the index against the storage; returns the first violation
    /// found, nil if consistent. For tests; O(n).
    package func invariantViolation() -> String? {
        guard chunks.count == lastKeys.count else { return "chunks and lastKeys differ in length" }
        var previous: Bytes?
        var indexed = 0
        for (number, chunk) in chunks.enumerated() {
            if chunk.isEmpty { return "chunk \(number) is empty" }
            if chunk.count > Self.maxChunkSize { return "chunk \(number) holds \(chunk.count) keys" }
            if lastKeys[number] != chunk[chunk.count - 1] { return "lastKeys[\(number)] is stale" }
            for key in chunk {
                if let previous, !bytesLess(previous, key) { return "keys out of order in chunk \(number)" }
                if storage[HashedKey(key)] == nil { return "indexed key missing from storage" }
                previous = key
                indexed += 1
            }
        }
        if indexed != storage.count { return "index holds \(indexed) keys, storage \(storage.count)" }
        let bytes = storage.reduce(0) { $0 + $1.key.bytes.count + $1.value.count }
        if bytes != byteCount { return "byteCount \(byteCount), actual \(bytes)" }
        return nil
    }

    /// The number of chunks in the order index (for tests of split and merge).
    package var chunkCount: Int { chunks.count }
}

/// Unsigned lexicographic order, as `bytesLess`, on borrowed buffers.
@inline(__always)
private func precedes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
    let common = Swift.min(lhs.count, rhs.count)
    if common > 0, let left = lhs.baseAddress, let right = rhs.baseAddress {
        let order = memcmp(left, right, common)
        if order != 0 { return order < 0 }
    }
    return lhs.count < rhs.count
}

/// A key for the hash table that hashes its bytes in one call, rather than one
/// `combine` per element as `[UInt8]`'s own Hashable conformance does. Only
/// lookups use the hash, never ordering, so the per-process seed is harmless.
private struct HashedKey: Hashable, Sendable {
    let bytes: Bytes

    init(_ bytes: Bytes) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
