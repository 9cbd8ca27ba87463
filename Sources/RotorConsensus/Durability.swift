import DequeModule

/// Bookkeeping for the persist actions in flight: which prefix of the log is
/// durable, and which messages wait for durability before they may leave.
///
/// Rule enforced here: an acknowledgement or a vote promises that what it
/// describes survives a crash, so it is released only after every persist
/// request issued before it has completed.
struct Durability: Sendable {
    struct Pending: Sendable {
        var token: UInt64
        /// The log length this request makes durable (lowered if the log is truncated meanwhile).
        var lengthAfter: LogIndex
    }

    private(set) var nextToken: UInt64 = 1
    private(set) var pending: Deque<Pending> = []
    /// Entries 1...durableLength of the in-memory log are on disk.
    private(set) var durableLength: LogIndex
    private var waiting: Deque<(afterToken: UInt64, message: ConsensusMessage, to: ReplicaID)> = []

    init(durableLength: LogIndex) {
        self.durableLength = durableLength
    }

    var isIdle: Bool { pending.isEmpty }

    /// Registers a new persist request; returns its token.
    mutating func issue(lengthAfter: LogIndex) -> UInt64 {
        let token = nextToken
        nextToken += 1
        pending.append(Pending(token: token, lengthAfter: lengthAfter))
        return token
    }

    /// The in-memory log was cut back to `index`: nothing past it is durable any more.
    mutating func truncated(to index: LogIndex) {
        durableLength = min(durableLength, index)
        for i in pending.indices { pending[i].lengthAfter = min(pending[i].lengthAfter, index) }
    }

    /// Records a completion (they come in order) and returns the messages it releases.
    mutating func completed(_ token: UInt64) -> [(message: ConsensusMessage, to: ReplicaID)] {
        guard let first = pending.first else { preconditionFailure("persisted token \(token) was never issued or already completed") }
        precondition(first.token == token, "persist requests must complete in order: expected \(first.token), got \(token)")
        pending.removeFirst()
        durableLength = max(durableLength, first.lengthAfter)
        var released: [(ConsensusMessage, ReplicaID)] = []
        while let next = waiting.first, next.afterToken <= token {
            waiting.removeFirst()
            released.append((next.message, next.to))
        }
        return released
    }

    /// Sends at once if nothing is pending, else after everything issued so far is durable.
    mutating func sendWhenDurable(_ message: ConsensusMessage, to: ReplicaID) -> Bool {
        guard let last = pending.last else { return true }
        waiting.append((last.token, message, to))
        return false
    }
}
