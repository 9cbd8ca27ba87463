import RotorModel
import RotorTestSupport
import Testing

/// The checker prunes hard (a cache, subset domination for unknown operations, skipping useless
/// unknown steps). Compare it with the definition, tried exhaustively, on thousands of tiny random
/// histories whose outputs are random too, so about half of them are violations: any pruning that
/// loses a linearization, or invents one, shows up here.
@Suite struct ReferenceCheckerTests {
    /// Linearizability by brute force: try every order of the operations that respects real time
    /// (an operation cannot go after one that was invoked after it returned), placing every `ok`
    /// operation and any subset of the unknown ones.
    static func bruteForce(_ operations: [HistoryOperation]) -> Bool {
        let relevant = operations.filter {
            switch $0.outcome {
            case .ok: return true
            case .unknown: return $0.kind.isMutating
            case .fail: return false
            }
        }
        func returned(_ operation: HistoryOperation) -> Int64 {
            if case .ok = operation.outcome { return operation.returnedAt! }
            return .max
        }
        func step(_ operation: HistoryOperation, _ state: Bytes?) -> Bytes?? {
            var output: OperationOutput?
            if case .ok(let observed) = operation.outcome { output = observed }
            switch operation.kind {
            case .read:
                guard case .read(let seen)? = output, seen == state else { return .none }
                return .some(state)
            case .write(let value):
                return .some(value)
            case .delete:
                if case .delete(let existed?)? = output, existed != (state != nil) { return .none }
                return .some(nil)
            case .compareAndSet(let expected, let new):
                let matches = expected == state
                if case .compareAndSet(let succeeded)? = output, succeeded != matches { return .none }
                return .some(matches ? new : state)
            }
        }
        func search(_ placed: [Bool], _ state: Bytes?) -> Bool {
            let mustPlace = relevant.indices.filter { !placed[$0] && relevant[$0].outcome != .unknown }
            if mustPlace.isEmpty { return true }
            for candidate in relevant.indices where !placed[candidate] {
                // Every unplaced ok operation that returned before this one was invoked must go first.
                let blocked = mustPlace.contains { returned(relevant[$0]) < relevant[candidate].invokedAt }
                if blocked { continue }
                guard case .some(let next) = step(relevant[candidate], state) else { continue }
                var nowPlaced = placed
                nowPlaced[candidate] = true
                if search(nowPlaced, next) { return true }
            }
            return false
        }
        return search(Array(repeating: false, count: relevant.count), nil)
    }

    static func randomHistory(seed: UInt64) -> [HistoryOperation] {
        var random = SplitMix64(seed: seed)
        let values: [Bytes?] = [nil, [1], [2], [3]]
        func anyValue() -> Bytes? { values[random.below(values.count)] }
        func someValue() -> Bytes { values[1 + random.below(values.count - 1)]! }
        return (0..<(2 + random.below(7))).map { process in
            let invokedAt = Int64(random.below(20))
            let returnedAt = invokedAt + Int64(random.below(12))
            let kind: OperationKind
            let output: OperationOutput
            switch random.below(4) {
            case 0:
                kind = .read
                output = .read(anyValue())
            case 1:
                kind = .write(someValue())
                output = .write
            case 2:
                kind = .delete
                output = .delete(existed: [true, false, nil][random.below(3)])
            default:
                kind = .compareAndSet(expected: anyValue(), new: someValue())
                output = .compareAndSet(succeeded: random.percent(50))
            }
            let roll = random.below(100)
            let outcome: OperationOutcome = roll < 65 ? .ok(output) : roll < 92 ? .unknown : .fail
            return HistoryOperation(process: process, key: [7], kind: kind, invokedAt: invokedAt,
                                    outcome: outcome, returnedAt: outcome == .unknown ? nil : returnedAt)
        }
    }

    @Test func agreesWithBruteForceOnTinyRandomHistories() {
        var violations = 0
        let count = 4_000
        for seed in 0..<UInt64(count) {
            let history = Self.randomHistory(seed: seed)
            let expected = Self.bruteForce(history)
            let verdict = LinearizabilityChecker().check(history)
            if !expected { violations += 1 }
            #expect(verdict == .linearizable ? expected : verdict.violation != nil && !expected,
                    "seed \(seed): brute force says \(expected), checker says \(verdict)\n\(history.map(\.description).joined(separator: "\n"))")
            if (verdict == .linearizable) != expected { return }
        }
        // Both answers must be well represented for the comparison to mean anything.
        #expect(violations > count / 5 && violations < count * 4 / 5, "\(violations) violations")
    }
}
