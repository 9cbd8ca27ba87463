/// One line of a torture history: an invocation, a completion, or a nemesis action.
///
/// Events are recorded as they happen and paired later by process (`invoke`, then `ok`, `fail`
/// or `info`), exactly like a Jepsen history, so the file is a faithful log even when the run is
/// interrupted and the verdict can be re-run on it. `jsonLine()` writes the fixed layout
///
///     {"process":3,"type":"invoke","f":"write","key":"k2","value":"v3-17","time":1234567}
///
/// and `parse(line:lineNumber:)` reads it back.
public struct HistoryEvent: Sendable, Hashable {
    public var process: HistoryProcess
    public var type: HistoryEventType
    /// The `f` field.
    public var function: HistoryFunction
    /// The key a client operation addressed; nil (JSON null) for nemesis events.
    public var key: String?
    public var value: HistoryValue
    /// Monotonic nanoseconds. Only the order of times matters, and operations whose times tie
    /// count as concurrent, so a client should stamp each invocation after the previous return.
    public var time: Int64

    public init(
        process: HistoryProcess,
        type: HistoryEventType,
        function: HistoryFunction,
        key: String?,
        value: HistoryValue,
        time: Int64
    ) {
        self.process = process
        self.type = type
        self.function = function
        self.key = key
        self.value = value
        self.time = time
    }

    /// A nemesis action: `description` says what was done, for example `"replica 1"` or
    /// `"isolate [0] from [1,2] one-way"`.
    public static func nemesis(_ function: HistoryFunction, _ description: String?, time: Int64) -> HistoryEvent {
        HistoryEvent(process: .nemesis, type: .info, function: function, key: nil,
                     value: description.map(HistoryValue.string) ?? .null, time: time)
    }
}
