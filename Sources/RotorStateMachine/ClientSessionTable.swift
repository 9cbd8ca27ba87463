/// Exactly-once application of writes identified by (client id, request id),
/// with sessions registered through the log (Raft dissertation §6.3).
///
/// Part of the replicated state: it is in snapshots and the digest, and every
/// decision depends only on the commands and their log indexes, so replicas
/// agree on which writes were duplicates.
///
/// A client registers first (`register(at:)`): its client id is the log index
/// of the registration, unique for the life of the cluster. A write from a
/// client the table does not hold (never registered, or evicted) is
/// `.expired` and not applied: a retry of it could not be recognised.
/// Per client it keeps the results and command fingerprints of its
/// `windowSize` highest request ids. An id in the window with the same
/// fingerprint is a duplicate (answered from the cache, not applied again);
/// with another fingerprint it is `.reused` for a different command (not
/// applied); an id below the window's floor is stale (its fate is unknown, so
/// it is not applied); any other id is new, even if it arrives out of order.
/// At most `maxClients` clients are remembered; a registration beyond that
/// evicts the one least recently used by log index, whose writes then expire.
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
        /// The id was applied for a different command (another fingerprint): not applied.
        case reused
        /// Older than the window: not applied.
        case stale
        /// The client is not in the table (never registered, or evicted): not applied.
        case expired
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

    /// Whether `clientID` is a registered, unexpired session.
    public func holds(_ clientID: Int64) -> Bool {
        clients[clientID] != nil
    }

    /// How `session`'s request with a command of this `fingerprint` would be
    /// treated now, without changing anything. The fingerprint is computed
    /// only if the request id is cached. Lets a server answer a retry of an
    /// applied write without logging it again.
    public func lookup(_ session: ClientSession, fingerprint: () -> UInt64) -> Lookup {
        clients[session.clientID]?.lookup(session.requestID, fingerprint: fingerprint) ?? .expired
    }

    /// Registers a session at log `index`; its client id is `index` (Raft
    /// dissertation §6.3: unique for the life of the cluster). Evicts the least
    /// recently used session when the table is full.
    public mutating func register(at index: Int64) {
        precondition(clients[index] == nil, "register: client \(index) is already registered")
        makeRoomForClient()
        clients[index] = ClientWindow(lastUsedIndex: index)
        noteUse(index, at: index)
    }

    /// Classifies `session`'s request at log `index` and, if its client is
    /// registered, marks the client as used there. After `.new` the caller
    /// applies the command and calls `record`.
    public mutating func admit(_ session: ClientSession, fingerprint: UInt64, at index: Int64) -> Lookup {
        let outcome = lookup(session) { fingerprint }
        guard outcome != .expired else { return outcome }
        clients[session.clientID]?.lastUsedIndex = index
        noteUse(session.clientID, at: index)
        return outcome
    }

    /// Caches the result of a request `admit` classified as new at `index`.
    public mutating func record(_ result: KvCommandResult, for session: ClientSession, fingerprint: UInt64, at index: Int64) {
        precondition(clients[session.clientID]?.lastUsedIndex == index,
                     "record: client \(session.clientID) was not admitted at index \(index)")
        let entry = ClientWindow.Entry(requestID: session.requestID, index: index, fingerprint: fingerprint, result: result)
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
