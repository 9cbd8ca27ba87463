import RotorModel

/// Decides whether a key-value history is linearizable: whether every operation can be given a
/// single instant between its invocation and its return such that, in that order, each key
/// behaves like one atomic register.
///
/// Keys are independent registers, and linearizability is compositional, so each key is checked
/// on its own (P-compositionality): a few small searches instead of one exponential one. Keys are
/// visited in byte order, so the verdict is a deterministic function of the history.
///
/// Before the search, `fail` operations are dropped (they had no effect) and so are unknown
/// reads (they constrain nothing). Unknown writes, deletes and compare-and-sets may take effect
/// at any point after their invocation, or never.
///
/// The checker is sound and complete: `.violation` only when no linearization exists, and
/// `.linearizable` only when one does. The cost is the hard part; see `KeySearch` for how it is
/// kept down and `CheckBudget` for what happens when it is not.
public struct LinearizabilityChecker: Sendable {
    /// The value each key held before the history began; keys not listed start absent.
    public var initialValues: [Bytes: Bytes]

    public init(initialValues: [Bytes: Bytes] = [:]) {
        self.initialValues = initialValues
    }

    /// Checks every key. A violation on any key wins (the first in byte order); otherwise the
    /// first key that could not be decided makes the verdict inconclusive.
    public func check(_ operations: [HistoryOperation], budget: CheckBudget = .default) -> LinearizabilityVerdict {
        let deadline = budget.timeLimit.map { ContinuousClock.now.advanced(by: $0) }
        var byKey: [Bytes: [HistoryOperation]] = [:]
        for operation in operations {
            if let problem = Self.malformation(of: operation) {
                return .inconclusive(reason: "malformed history: \(problem): \(operation)")
            }
            switch operation.outcome {
            case .fail:
                continue
            case .unknown where !operation.kind.isMutating:
                continue
            case .ok, .unknown:
                byKey[operation.key, default: []].append(operation)
            }
        }

        var firstUndecided: String?
        for key in byKey.keys.sorted(by: bytesLess) {
            let search = KeySearch(key: key, operations: byKey[key]!, initialValue: initialValues[key])
            switch search.run(maxSteps: budget.maxStepsPerKey, deadline: deadline) {
            case .linearizable:
                continue
            case .violation(let violation):
                return .violation(violation)
            case .outOfSteps(let steps, let placed, let total):
                firstUndecided = firstUndecided ?? "key \(Rendering.value(key)): step budget exhausted after \(steps) steps (at best \(placed) of \(total) completed operations linearized)"
            case .outOfTime(let steps, let placed, let total):
                firstUndecided = firstUndecided ?? "key \(Rendering.value(key)): time limit reached after \(steps) steps (at best \(placed) of \(total) completed operations linearized)"
            }
        }
        if let firstUndecided { return .inconclusive(reason: firstUndecided) }
        return .linearizable
    }

    /// What makes an operation impossible to check, or nil.
    static func malformation(of operation: HistoryOperation) -> String? {
        guard case .ok(let output) = operation.outcome else { return nil }
        guard let returnedAt = operation.returnedAt else { return "ok operation without a return time" }
        if returnedAt < operation.invokedAt { return "returned before it was invoked" }
        switch (operation.kind, output) {
        case (.read, .read), (.write, .write), (.delete, .delete), (.compareAndSet, .compareAndSet):
            return nil
        default:
            return "output does not match the operation"
        }
    }
}
