/// One client's recent requests and their results: the window within which
/// `ClientSessionTable` recognises a retried request.
struct ClientWindow: Sendable, Equatable {
    /// A cached result, kept sorted by request id.
    struct Entry: Sendable, Equatable {
        var requestID: Int64
        /// The log index at which the request was applied.
        var index: Int64
        /// `KvCommand.fingerprint` of the command applied under this id, to
        /// tell a true retry from a reuse of the id for another command.
        var fingerprint: UInt64
        var result: KvCommandResult
    }

    /// The log index at which this client last sent a command; orders eviction.
    var lastUsedIndex: Int64
    /// Request ids below this have left the window: whether they applied is unknown.
    var floor: Int64 = .min
    /// At most the table's window size, sorted by request id, all >= `floor`.
    var entries: [Entry] = []

    /// How a request with this id must be treated. `fingerprint` is asked for
    /// only when the id is cached, so a new request costs no hash here.
    func lookup(_ requestID: Int64, fingerprint: () -> UInt64) -> ClientSessionTable.Lookup {
        let position = position(of: requestID)
        if position < entries.count, entries[position].requestID == requestID {
            let cached = entries[position]
            guard cached.fingerprint == fingerprint() else { return .reused }
            return .duplicate(cached.result, originalIndex: cached.index)
        }
        return requestID < floor ? .stale : .new
    }

    /// Caches the result of a newly applied request. When the window overflows,
    /// the lowest id leaves it and everything up to it becomes stale: ids may
    /// arrive out of order, so "lowest" rather than "oldest" bounds what a
    /// retry can still be recognised as.
    mutating func record(_ entry: Entry, windowSize: Int) {
        let position = position(of: entry.requestID)
        precondition(entry.requestID >= floor, "ClientWindow: recording stale request \(entry.requestID)")
        precondition(position == entries.count || entries[position].requestID != entry.requestID,
                     "ClientWindow: request \(entry.requestID) is already recorded")
        entries.insert(entry, at: position)
        if entries.count > windowSize {
            let evicted = entries.removeFirst()
            floor = evicted.requestID + 1
        }
    }

    /// The first entry whose id is >= `requestID`.
    private func position(of requestID: Int64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].requestID < requestID { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
