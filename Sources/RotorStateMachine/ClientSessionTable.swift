/// Exactly-once application of writes identified by (client id, request id).
///
/// Part of the replicated state: it is in snapshots and the digest, and every
/// decision depends only on the commands and their log indexes, so replicas
/// agree on which writes were duplicates.
///
/// Per client it keeps the results of its `windowSize` highest request ids.
/// An id in the window is a duplicate (answered from the cache, not applied
/// again); an id below the window's floor is stale (its fate is unknown, so it
/// is not applied); any other id is new, even if it arrives out of order. At
/// most `maxClients` clients are remembered; a new client beyond that evicts
/// the one least recently used by log index, after which that client's
/// retries are treated as new.
public struct ClientSessionTable: Sendable {
    /// Bounds on the table's memory. All replicas must use the same limits:
    /// they decide which requests are duplicates. Snapshots carry them.
    public struct Limits: Sendable, Equatable {
        /// Clients remembered at once.
        public var maxClients: Int
        /// Results remembered per client.
        public var windowSize: Int

        public static let `default` = Limits(maxClients: 100_000, windowSize: 128)

        public init(maxClients: Int, windowSize: Int) {
            precondition(maxClients >= 1, "maxClients must be at least 1, got \(maxClients)")
            precondition(windowSize >= 1, "windowSize must be at least 1, got \(windowSize)")
            self.maxClients = maxClients
            self.windowSize = windowSize
        }
    }

    /// How a request must be treated.
    public enum Lookup: Sendable, Equatable {
        /// Not seen: apply it, then `record` its result.
        case new
        /// Already applied, at `originalIndex`, with this result.
        case duplicate(KvCommandResult, originalIndex: Int64)
        /// Older than the window: not applied.
        case stale
    }

    public let limits: Limits
    /// Every remembered client's window, by client id.
    private(set) var clients: [Int64: ClientWindow] = [:]
    private var recency = RecencyQueue()

    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// The number of clients remembered.
    public var clientCount: Int { clients.count }

    /// How `session` would be treated now, without changing anything: lets a
    /// server answer a retry of an applied write without logging it again.
    public func lookup(_ session: ClientSession) -> Lookup {
        clients[session.clientID]?.lookup(session.requestID) ?? .new
    }

    /// Classifies `session`'s request at log `index` and marks the client as
    /// used there, admitting (and possibly evicting for) a new client. After
    /// `.new` the caller applies the command and calls `record`.
    public mutating func admit(_ session: ClientSession, at index: Int64) -> Lookup {
        let outcome = lookup(session)
        if clients[session.clientID] == nil {
            makeRoomForClient()
            clients[session.clientID] = ClientWindow(lastUsedIndex: index)
        } else {
            clients[session.clientID]?.lastUsedIndex = index
        }
        noteUse(session.clientID, at: index)
        return outcome
    }

    /// Caches the result of a request `admit` classified as new at `index`.
    public mutating func record(_ result: KvCommandResult, for session: ClientSession, at index: Int64) {
        precondition(clients[session.clientID]?.lastUsedIndex == index,
                     "record: client \(session.clientID) was not admitted at index \(index)")
        let entry = ClientWindow.Entry(requestID: session.requestID, index: index, result: result)
        clients[session.clientID]?.record(entry, windowSize: limits.windowSize)
    }

    /// Evicts the least recently used client if the table is full.
    private mutating func makeRoomForClient() {
        guard clients.count >= limits.maxClients else { return }
        let evicted: Int64?
        do {
            // A scoped copy for the closure: released before `clients` is
            // mutated, so the mutation does not copy the dictionary.
            let live = clients
            evicted = recency.popLeastRecent { live[$0.clientID]?.lastUsedIndex == $0.index }
        }
        guard let evicted else { preconditionFailure("ClientSessionTable: full but no client to evict") }
        clients[evicted] = nil
    }

    private mutating func noteUse(_ clientID: Int64, at index: Int64) {
        recency.use(clientID, at: index)
        let live = clients
        recency.compactIfNeeded(liveCount: live.count) { live[$0.clientID]?.lastUsedIndex == $0.index }
    }
}

extension ClientSessionTable {
    /// Clients ordered from least to most recently used: the canonical order
    /// for snapshots and the digest.
    var clientsByRecency: [(clientID: Int64, window: ClientWindow)] {
        clients.map { (clientID: $0.key, window: $0.value) }
            .sorted { $0.window.lastUsedIndex < $1.window.lastUsedIndex }
    }

    /// Rebuilds a table from clients in increasing `lastUsedIndex` order (as
    /// `clientsByRecency` lists them); the decoder has validated them.
    init(limits: Limits, clientsByRecency ordered: [(clientID: Int64, window: ClientWindow)]) {
        self.limits = limits
        clients.reserveCapacity(ordered.count)
        for (clientID, window) in ordered {
            clients[clientID] = window
            recency.use(clientID, at: window.lastUsedIndex)
        }
    }
}

extension ClientSessionTable: Equatable {
    /// Equal limits and client windows; the recency queue is derived from them.
    public static func == (lhs: ClientSessionTable, rhs: ClientSessionTable) -> Bool {
        lhs.limits == rhs.limits && lhs.clients == rhs.clients
    }
}
