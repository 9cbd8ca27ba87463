import RotorTestSupport

/// Check 1: every key, on its own, behaves like one atomic register in real time. Reads,
/// writes, compare-and-sets and deletes go to `LinearizabilityChecker`; LOCAL reads do not (they
/// may be stale by design; `LocalReadCheck` covers them).
///
/// Keys are checked one at a time so that every violating key is reported, not just the first,
/// and a key the checker gives up on is named. A key that cannot be decided within the budget
/// makes the check `inconclusive`, which fails the run: "the checker gave up" must never read
/// as "linearizable". Keys start absent: the workload must use keys nobody wrote before the run.
enum LinearizabilityCheck {
    static let name = "linearizability"

    static func run(_ history: PairedHistory, budget: CheckBudget) -> CheckResult {
        var byKey: [String: [HistoryOperation]] = [:]
        var origin: [HistoryOperation: ClientOperation] = [:]
        var localReads = 0
        for operation in history.operations {
            guard let converted = operation.historyOperation else {
                localReads += 1
                continue
            }
            byKey[operation.key, default: []].append(converted)
            origin[converted] = operation
        }
        let checked = byKey.values.reduce(0) { $0 + $1.count }
        var detail = "\(checked) operations on \(byKey.count) keys"
        if localReads > 0 { detail += " (\(localReads) read-local operations are checked separately)" }

        var violations: [TortureFinding] = []
        var undecided: [TortureFinding] = []
        let deadline = budget.timeLimit.map { ContinuousClock.now.advanced(by: $0) }
        for key in byKey.keys.sorted() {
            let keyBudget: CheckBudget
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    undecided.append(gaveUp(key, "the time limit was reached before this key was checked"))
                    continue
                }
                keyBudget = CheckBudget(maxStepsPerKey: budget.maxStepsPerKey, timeLimit: remaining)
            } else {
                keyBudget = budget
            }
            switch LinearizabilityChecker().check(byKey[key]!, budget: keyBudget) {
            case .linearizable:
                continue
            case .violation(let violation):
                violations.append(finding(key, violation, origin))
            case .inconclusive(let reason):
                undecided.append(gaveUp(key, reason))
            }
        }
        if !violations.isEmpty {
            return CheckResult(name: name, status: .failed, detail: detail, findings: violations + undecided)
        }
        if !undecided.isEmpty {
            return CheckResult(name: name, status: .inconclusive, detail: detail, findings: undecided)
        }
        return CheckResult(name: name, status: .passed, detail: detail)
    }

    private static func finding(
        _ key: String, _ violation: LinearizabilityViolation, _ origin: [HistoryOperation: ClientOperation]
    ) -> TortureFinding {
        let involved = violation.stuck.map(\.operation) + (violation.prefix?.tail.reversed() ?? [])
        return TortureFinding(
            key: key,
            message: violation.description,
            operations: involved.compactMap { origin[$0] })
    }

    private static func gaveUp(_ key: String, _ reason: String) -> TortureFinding {
        TortureFinding(
            key: key,
            message: "key \(Show.string(key)): the checker gave up, so this key is unchecked (\(reason)); "
                + "raise the budget or run a shorter or less concurrent workload")
    }
}
