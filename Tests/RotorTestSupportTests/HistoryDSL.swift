import RotorModel
import RotorTestSupport

/// Terse constructors for hand-written histories: `write("a", 0...10)` is process 0 writing
/// "a" to key "k", invoked at 0 and returned at 10.

func bytes(_ string: String) -> Bytes { Bytes(utf8: string) }

func operation(
    _ kind: OperationKind, _ outcome: OperationOutcome, _ span: ClosedRange<Int64>, process: Int, key: String
) -> HistoryOperation {
    HistoryOperation(process: process, key: bytes(key), kind: kind, invokedAt: span.lowerBound,
                     outcome: outcome, returnedAt: span.upperBound)
}

func write(_ value: String, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k") -> HistoryOperation {
    operation(.write(bytes(value)), .ok(.write), span, process: process, key: key)
}

func read(_ value: String?, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k") -> HistoryOperation {
    operation(.read, .ok(.read(value.map(bytes))), span, process: process, key: key)
}

func delete(existed: Bool?, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k") -> HistoryOperation {
    operation(.delete, .ok(.delete(existed: existed)), span, process: process, key: key)
}

func cas(_ expected: String?, _ new: String, succeeded: Bool, _ span: ClosedRange<Int64>,
         process: Int = 0, key: String = "k") -> HistoryOperation {
    operation(.compareAndSet(expected: expected.map(bytes), new: bytes(new)),
              .ok(.compareAndSet(succeeded: succeeded)), span, process: process, key: key)
}

/// An operation whose outcome the client never learned: invoked at `at`, no return.
func unknown(_ kind: OperationKind, at time: Int64, process: Int = 0, key: String = "k") -> HistoryOperation {
    HistoryOperation(process: process, key: bytes(key), kind: kind, invokedAt: time, outcome: .unknown, returnedAt: nil)
}

func failed(_ kind: OperationKind, _ span: ClosedRange<Int64>, process: Int = 0, key: String = "k") -> HistoryOperation {
    operation(kind, .fail, span, process: process, key: key)
}

func check(_ operations: [HistoryOperation], initialValues: [Bytes: Bytes] = [:]) -> LinearizabilityVerdict {
    LinearizabilityChecker(initialValues: initialValues).check(operations, budget: CheckBudget(maxStepsPerKey: 1_000_000))
}
