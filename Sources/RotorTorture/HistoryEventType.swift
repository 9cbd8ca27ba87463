/// What an event says about its operation, in Jepsen's four-way sense. The difference between
/// `fail` and `info` is what keeps the verdict sound: only `fail` may be assumed to have had no
/// effect, and only `ok` constrains what the cluster must have done.
public enum HistoryEventType: String, Sendable, Hashable, CaseIterable {
    /// The client is about to send the request.
    case invoke
    /// The operation took effect; a read's value is what it saw.
    case ok
    /// The operation certainly had no effect: a compare-and-set whose expected value did not
    /// match, or an error that proves the request was never applied.
    case fail
    /// The outcome is unknown (a timeout, a lost connection): the operation may take effect at
    /// any time after its invocation, or never. Also the only type of nemesis events.
    case info

    /// Whether this event ends an operation begun by an `invoke`.
    public var isCompletion: Bool { self != .invoke }
}
