import DequeModule
import RotorConsensus
import RotorModel
import RotorStateMachine

/// Client operations a node is working on, each with a deadline so that
/// nothing a client waits for can hang. Confined to the node's event loop.
struct PendingOperations {
    typealias Reply = (Result<ClientResponse, KVError>) -> Void

    /// A logged write or session registration, answered once applied.
    struct Write {
        var session: ClientSession?
        var reply: Reply
    }

    private(set) var writes: [ClientToken: Write] = [:]
    private var writeDeadlines: Deque<(deadline: Instant, token: ClientToken)> = []
    private var reads: [ClientToken: (Result<LogIndex, KVError>) -> Void] = [:]
    private var readDeadlines: Deque<(deadline: Instant, token: ClientToken)> = []
    private var appliedWaiters: [(index: LogIndex, deadline: Instant, resume: (Bool) -> Void)] = []
    private var leaderWaiters: [(deadline: Instant, resume: (Bool) -> Void)] = []
    private var nextToken: UInt64 = 1

    var isWaitingForLeader: Bool { !leaderWaiters.isEmpty }

    mutating func newToken() -> ClientToken {
        defer { nextToken += 1 }
        return ClientToken(nextToken)
    }

    // MARK: Writes in the log

    mutating func addWrite(_ token: ClientToken, _ write: Write, deadline: Instant) {
        writes[token] = write
        writeDeadlines.append((deadline, token))
    }

    mutating func takeWrite(_ token: ClientToken) -> Write? {
        writes.removeValue(forKey: token)
    }

    // MARK: Linearizable reads waiting for their read index

    mutating func addRead(_ token: ClientToken, deadline: Instant, _ resume: @escaping (Result<LogIndex, KVError>) -> Void) {
        reads[token] = resume
        readDeadlines.append((deadline, token))
    }

    mutating func takeRead(_ token: ClientToken) -> ((Result<LogIndex, KVError>) -> Void)? {
        reads.removeValue(forKey: token)
    }

    // MARK: Waiting for the applied index or a leader

    mutating func whenApplied(_ index: LogIndex, deadline: Instant, _ resume: @escaping (Bool) -> Void) {
        appliedWaiters.append((index, deadline, resume))
    }

    /// The waiters whose index is now applied.
    mutating func releaseApplied(through applied: LogIndex) -> [(Bool) -> Void] {
        guard !appliedWaiters.isEmpty else { return [] }
        var ready: [(Bool) -> Void] = []
        appliedWaiters.removeAll { waiter in
            guard waiter.index <= applied else { return false }
            ready.append(waiter.resume)
            return true
        }
        return ready
    }

    /// Every applied-index waiter, removed (the leader is lost: they could only wait).
    mutating func takeAllAppliedWaiters() -> [(Bool) -> Void] {
        defer { appliedWaiters = [] }
        return appliedWaiters.map(\.resume)
    }

    /// Every linearizable read waiting for its read index, removed.
    mutating func takeAllReads() -> [(Result<LogIndex, KVError>) -> Void] {
        defer { reads = [:]; readDeadlines = [] }
        return Array(reads.values)
    }

    /// Every write waiting to commit, removed.
    mutating func takeAllWrites() -> [Write] {
        defer { writes = [:]; writeDeadlines = [] }
        return Array(writes.values)
    }

    mutating func whenLeaderKnown(deadline: Instant, _ resume: @escaping (Bool) -> Void) {
        leaderWaiters.append((deadline, resume))
    }

    mutating func releaseLeaderWaiters() -> [(Bool) -> Void] {
        defer { leaderWaiters = [] }
        return leaderWaiters.map(\.resume)
    }

    // MARK: Deadlines

    /// Everything past its deadline, removed; the caller fails each.
    mutating func expire(now: Instant) -> Expired {
        var expired = Expired()
        while let first = writeDeadlines.first, first.deadline <= now {
            writeDeadlines.removeFirst()
            if let write = writes.removeValue(forKey: first.token) { expired.writes.append(write.reply) }
        }
        while let first = readDeadlines.first, first.deadline <= now {
            readDeadlines.removeFirst()
            if let read = reads.removeValue(forKey: first.token) { expired.reads.append(read) }
        }
        appliedWaiters.removeAll { waiter in
            guard waiter.deadline <= now else { return false }
            expired.waiters.append(waiter.resume)
            return true
        }
        leaderWaiters.removeAll { waiter in
            guard waiter.deadline <= now else { return false }
            expired.waiters.append(waiter.resume)
            return true
        }
        return expired
    }

    /// Everything, for shutdown.
    mutating func drain() -> Expired {
        let expired = Expired(writes: writes.values.map(\.reply), reads: Array(reads.values),
                              waiters: appliedWaiters.map(\.resume) + leaderWaiters.map(\.resume))
        self = PendingOperations()
        return expired
    }

    struct Expired {
        var writes: [Reply] = []
        var reads: [(Result<LogIndex, KVError>) -> Void] = []
        var waiters: [(Bool) -> Void] = []
    }
}
