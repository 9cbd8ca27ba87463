import RotorModel

/// One client operation on one key: the unit a history is made of.
///
/// Times are whatever monotonic clock the recorder uses (nanoseconds in real clusters, virtual
/// time in the simulator); only their order matters. An operation that returned at `t` and one
/// invoked at the same `t` are treated as concurrent, so ties never produce a violation. A
/// recorder that wants a client's back-to-back operations strictly ordered should invoke the next
/// one at least one tick after the previous returned.
public struct HistoryOperation: Sendable, Hashable {
    /// The client (Jepsen "process") that issued the operation. Used only in explanations: the
    /// checker relies on the times, not on per-process order.
    public var process: Int
    /// The key the operation addressed. Keys are checked independently.
    public var key: Bytes
    public var kind: OperationKind
    /// When the client sent the request.
    public var invokedAt: Int64
    public var outcome: OperationOutcome
    /// When the client saw the response. Required for `ok`; ignored for `unknown` (its effect may
    /// land at any time after `invokedAt`) and for `fail`.
    public var returnedAt: Int64?

    public init(
        process: Int,
        key: Bytes,
        kind: OperationKind,
        invokedAt: Int64,
        outcome: OperationOutcome,
        returnedAt: Int64?
    ) {
        self.process = process
        self.key = key
        self.kind = kind
        self.invokedAt = invokedAt
        self.outcome = outcome
        self.returnedAt = returnedAt
    }
}
