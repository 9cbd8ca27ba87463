import RotorModel

/// The replicated state of the store: the key space, the client sessions and
/// the index of the last log entry applied.
///
/// It is a deterministic function of the entries applied to it, in order: no
/// clocks, no randomness, no seeded hashing in anything observable. A
/// standalone server numbers entries itself; a consensus log applies
/// committed entries in log order. Either way every index is applied (or
/// skipped) exactly once, consecutively from 1.
public struct KvStateMachine: Sendable {
    /// The index of the last entry applied or skipped; 0 before the first.
    public private(set) var appliedIndex: Int64 = 0
    private(set) var data = OrderedKeyMap()
    private(set) var sessions: ClientSessionTable

    public init(sessionLimits: ClientSessionTable.Limits = .default) {
        sessions = ClientSessionTable(limits: sessionLimits)
    }

    /// Assembles a state the snapshot decoder has validated.
    init(appliedIndex: Int64, data: OrderedKeyMap, sessions: ClientSessionTable) {
        self.appliedIndex = appliedIndex
        self.data = data
        self.sessions = sessions
    }

    /// The number of keys.
    public var keyCount: Int { data.count }

    /// Total bytes of all keys and values.
    public var dataBytes: Int { data.byteCount }

    /// The number of clients the session table remembers.
    public var sessionCount: Int { sessions.clientCount }

    /// The limits the session table was created (or restored) with.
    public var sessionLimits: ClientSessionTable.Limits { sessions.limits }

    // MARK: Writes

    /// Applies the entry at `index`, which must be `appliedIndex + 1`.
    /// With a session (Raft dissertation §6.3), a request already applied is
    /// not applied again (`.duplicate` with the original result and index); a
    /// request id already applied for a different command (`.reusedRequestID`),
    /// one older than the session window (`.stale`) and one from a client that
    /// is not a live session (`.sessionExpired`) are not applied at all.
    public mutating func apply(index: Int64, command: KvCommand, session: ClientSession?) -> KvApplyOutcome {
        advance(to: index)
        guard let session else { return .applied(execute(command)) }
        let fingerprint = command.fingerprint
        switch sessions.admit(session, fingerprint: fingerprint, at: index) {
        case .new:
            let result = execute(command)
            sessions.record(result, for: session, fingerprint: fingerprint, at: index)
            return .applied(result)
        case .duplicate(let result, let originalIndex):
            return .duplicate(result, originalIndex: originalIndex)
        case .reused:
            return .reusedRequestID
        case .stale:
            return .stale
        case .expired:
            return .sessionExpired
        }
    }

    /// Registers a client session at `index`, which must be `appliedIndex + 1`:
    /// the client id is `index`, unique for the life of the cluster (Raft
    /// dissertation §6.3). A full table evicts its least recently used session.
    /// Returns the new client id.
    @discardableResult
    public mutating func registerSession(index: Int64) -> Int64 {
        advance(to: index)
        sessions.register(at: index)
        return index
    }

    /// Applies an encoded `LogPayload` at `index`. Entries are checksummed by
    /// the log, so one that does not decode is a bug or undetected corruption;
    /// applying anything else would diverge the replicas, hence a trap.
    public mutating func apply(index: Int64, entry: Bytes) -> KvApplyOutcome {
        let decoded: LogPayload
        do {
            decoded = try LogPayload.decode(entry)
        } catch {
            preconditionFailure("log entry \(index) does not decode: \(error)")
        }
        switch decoded {
        case .write(let write): return apply(index: index, command: write.command, session: write.session)
        case .registerSession: return .registered(clientID: registerSession(index: index))
        }
    }

    /// Consumes an index whose entry carries no command (such as the no-op a
    /// new leader commits), so the applied index keeps pace with the log.
    public mutating func skip(index: Int64) {
        advance(to: index)
    }

    // MARK: Reads

    /// The value under `key`, nil if absent.
    public func get(_ key: Bytes) -> Bytes? {
        data[key]
    }

    /// Keys in [start, end) in unsigned byte order, at most `limit` (>= 0);
    /// `continuation` is the next page's start when more keys remain.
    public func scan(from start: Bytes, to end: Bytes?, limit: Int) -> (entries: [KeyValue], continuation: Bytes?) {
        data.entries(from: start, to: end, limit: limit)
    }

    /// Serves `request` from this state: at most `request.limit` entries and,
    /// past the first, at most `maxBytes` of `KeyValue.wireBytes`, so that the
    /// reply fits a frame whatever the values' sizes. A page cut short by
    /// either bound carries the `continuation` to resume from.
    public func scan(_ request: ScanRequest, maxBytes: Int) -> ScanResponse {
        let page = data.entries(from: request.startKey, to: request.endKey, limit: Int(request.limit), maxBytes: maxBytes)
        return ScanResponse(entries: page.entries, continuation: page.continuation, appliedIndex: appliedIndex)
    }

    /// How a write of `command` carrying `session` would be treated now,
    /// changing nothing: a server may answer a retry of an applied write (or a
    /// reuse of its id) without logging it. The command's fingerprint is
    /// computed only when the request id is cached.
    public func lookup(_ session: ClientSession, command: KvCommand) -> ClientSessionTable.Lookup {
        sessions.lookup(session) { command.fingerprint }
    }

    // MARK: Internals

    private mutating func advance(to index: Int64) {
        precondition(index == appliedIndex + 1,
                     "entry \(index) applied out of order: the last applied index is \(appliedIndex)")
        appliedIndex = index
    }

    private mutating func execute(_ command: KvCommand) -> KvCommandResult {
        switch command {
        case .put(let key, let value):
            data.set(key, value)
            return .put
        case .delete(let key):
            return .delete(existed: data.remove(key) != nil)
        case .compareAndSet(let key, let expected, let newValue):
            let current = data[key]
            guard current == expected else { return .compareAndSet(succeeded: false, current: current) }
            data.set(key, newValue)
            return .compareAndSet(succeeded: true, current: nil)
        }
    }
}

extension KvStateMachine: Equatable {
    /// Equal applied index, key space and session table (by content, not layout).
    public static func == (lhs: KvStateMachine, rhs: KvStateMachine) -> Bool {
        lhs.appliedIndex == rhs.appliedIndex && lhs.data == rhs.data && lhs.sessions == rhs.sessions
    }
}
