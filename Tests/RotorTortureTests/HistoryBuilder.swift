import RotorTorture

/// Hand-made histories, one operation per call: `history.write("v1", 0...10, process: 1)` records
/// p1's invocation at 0 and its `ok` at 10 for key "k". Events are appended in call order, which
/// is fine because pairing is per process.
struct HistoryBuilder {
    var events: [HistoryEvent] = []

    mutating func write(_ value: String, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k",
                        _ type: HistoryEventType? = .ok) {
        operation(.write, .string(value), .string(value), span, process: process, key: key, type)
    }

    mutating func read(_ seen: String?, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k",
                       local: Bool = false, _ type: HistoryEventType? = .ok) {
        operation(local ? .readLocal : .read, .null, seen.map(HistoryValue.string) ?? .null, span,
                  process: process, key: key, type)
    }

    mutating func cas(_ expected: String?, _ new: String, _ span: ClosedRange<Int64>, process: Int = 0,
                      key: String = "k", _ type: HistoryEventType? = .ok) {
        operation(.cas, .pair(expected, new), .pair(expected, new), span, process: process, key: key, type)
    }

    mutating func delete(_ span: ClosedRange<Int64>, process: Int = 0, key: String = "k", _ type: HistoryEventType? = .ok) {
        operation(.delete, .null, .null, span, process: process, key: key, type)
    }

    mutating func nemesis(_ function: HistoryFunction, _ description: String?, at time: Int64) {
        events.append(.nemesis(function, description, time: time))
    }

    /// Invokes at the span's start and completes with `type` at its end; a nil type leaves the
    /// operation unanswered.
    mutating func operation(_ function: HistoryFunction, _ input: HistoryValue, _ output: HistoryValue,
                            _ span: ClosedRange<Int64>, process: Int, key: String, _ type: HistoryEventType?) {
        events.append(HistoryEvent(process: .client(process), type: .invoke, function: function, key: key,
                                   value: input, time: span.lowerBound))
        guard let type else { return }
        events.append(HistoryEvent(process: .client(process), type: type, function: function, key: key,
                                   value: output, time: span.upperBound))
    }
}

/// The verdict on `events`, with an unconstrained convergence check unless digests are given.
func verdict(_ history: HistoryBuilder, clients: Int = 3,
             digests: [Int: (appliedIndex: Int64, digest: UInt64)]? = nil) -> TortureReport {
    TortureVerdict.check(events: history.events, clients: clients, finalDigests: digests)
}

/// Whether `operations` include p`process`'s `function` on `key`.
func names(_ operations: [ClientOperation], process: Int, _ function: HistoryFunction, key: String = "k") -> Bool {
    operations.contains { $0.process == process && $0.function == function && $0.key == key }
}
