/// Clients in order of last use, for least-recently-used eviction that is the
/// same on every replica: "use" is a log index, never a clock.
///
/// Each use appends (index, client); an entry whose client has been used again
/// since is stale and skipped when popped. The queue is compacted once stale
/// entries outnumber live ones, so its size stays O(clients) and each use
/// costs amortised O(1).
struct RecencyQueue: Sendable {
    struct Use: Sendable, Equatable {
        var index: Int64
        var clientID: Int64
    }

    private var uses: [Use] = []
    private var head = 0

    /// The index of the most recent use, 0 if none.
    private(set) var latestIndex: Int64 = 0

    /// Records that `clientID` was used at `index`; indexes must increase.
    mutating func use(_ clientID: Int64, at index: Int64) {
        precondition(index > latestIndex, "RecencyQueue: index \(index) does not follow \(latestIndex)")
        uses.append(Use(index: index, clientID: clientID))
        latestIndex = index
    }

    /// Removes and returns the least recently used live client, nil if none.
    /// `isCurrent` tells whether a use is still its client's latest.
    mutating func popLeastRecent(isCurrent: (Use) -> Bool) -> Int64? {
        while head < uses.count {
            let candidate = uses[head]
            head += 1
            if isCurrent(candidate) { return candidate.clientID }
        }
        return nil
    }

    /// Drops stale uses once they dominate; `liveCount` is the number of clients.
    mutating func compactIfNeeded(liveCount: Int, isCurrent: (Use) -> Bool) {
        guard uses.count - head > 2 * liveCount + 64 else { return }
        uses = uses[head...].filter(isCurrent)
        head = 0
    }
}
