/// One client operation: an invocation and its completion, paired by process. The unit every
/// check reasons about, and what the report shows when it names the operations involved.
public struct ClientOperation: Sendable, Hashable {
    public var process: Int
    public var function: HistoryFunction
    public var key: String
    /// The invocation's value: what a write or compare-and-set sent.
    public var input: HistoryValue
    public var invokedAt: Int64
    /// `ok`, `fail` or `info`; nil when the history ends before the completion (the client
    /// crashed, or the run stopped), which means the same as `info`.
    public var completion: HistoryEventType?
    /// The completion's value: what a read saw. `.null` without a completion.
    public var output: HistoryValue
    public var returnedAt: Int64?

    public init(
        process: Int, function: HistoryFunction, key: String, input: HistoryValue, invokedAt: Int64,
        completion: HistoryEventType?, output: HistoryValue, returnedAt: Int64?
    ) {
        self.process = process
        self.function = function
        self.key = key
        self.input = input
        self.invokedAt = invokedAt
        self.completion = completion
        self.output = output
        self.returnedAt = returnedAt
    }

    /// Acknowledged: the operation certainly took effect, once, before `returnedAt`.
    public var isOK: Bool { completion == .ok }

    /// The outcome is unknown: `info`, or never answered. Such a mutation may take effect at
    /// any time after its invocation, or never.
    public var isUnknown: Bool { completion == .info || completion == nil }

    /// A mutation that may have taken effect (it did not `fail`).
    var mayHaveEffect: Bool { function.isMutation && completion != .fail }

    /// What the key holds right after this mutation takes effect: the written value, a
    /// compare-and-set's new value (it only takes effect when it succeeds), or nil (absent) for
    /// a delete. Meaningless for reads.
    var valueAfter: String? {
        switch (function, input) {
        case (.write, .string(let value)): return value
        case (.cas, .pair(_, let new)): return new
        default: return nil
        }
    }

    /// What a read saw; nil when the key was absent.
    var valueSeen: String? { output.stringOrNil }

    /// Whether this operation certainly took effect before `other` began: it was acknowledged,
    /// and returned before `other` was invoked. Equal times count as concurrent.
    func certainlyPrecedes(_ other: ClientOperation) -> Bool {
        guard isOK, let returnedAt else { return false }
        return returnedAt < other.invokedAt
    }
}
