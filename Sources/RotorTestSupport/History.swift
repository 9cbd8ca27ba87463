import RotorModel

/// Names an invoked operation in a `History` so its completion can be recorded later.
public struct OperationID: Sendable, Hashable {
    /// Position of the operation in `History.operations`.
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// Records a history as it happens: `invoke` when a client sends a request, `complete` when it
/// learns the result.
///
/// A plain value type because its first user, the simulator, is single-threaded; a concurrent
/// recorder (the torture tool) wraps it in a lock. An operation that is never completed stays
/// `unknown`, which is exactly right for a client that crashed or gave up: whatever it sent may
/// still take effect.
public struct History: Sendable {
    /// Every operation invoked so far, in invocation-recording order.
    public private(set) var operations: [HistoryOperation] = []

    public init() {}

    /// Records that `process` sent `kind` for `key` at time `at`.
    public mutating func invoke(process: Int, key: Bytes, _ kind: OperationKind, at time: Int64) -> OperationID {
        let id = OperationID(rawValue: operations.count)
        operations.append(HistoryOperation(
            process: process, key: key, kind: kind, invokedAt: time, outcome: .unknown, returnedAt: nil))
        return id
    }

    /// Records how the operation ended, at time `at`. Completing with `.unknown` is allowed (it is
    /// also what never completing means); completing an operation twice is a recorder bug.
    public mutating func complete(_ id: OperationID, _ outcome: OperationOutcome, at time: Int64) {
        precondition(operations.indices.contains(id.rawValue), "History.complete: unknown \(id)")
        precondition(operations[id.rawValue].returnedAt == nil,
                     "History.complete: operation \(id.rawValue) was already completed")
        operations[id.rawValue].outcome = outcome
        operations[id.rawValue].returnedAt = time
    }

    /// The number of operations invoked so far.
    public var count: Int { operations.count }
}
