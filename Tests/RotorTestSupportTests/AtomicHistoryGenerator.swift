import RotorModel
import RotorTestSupport

/// Generates histories that are linearizable by construction: each client issues operations one
/// after another with random gaps and durations, every operation takes effect at a random instant
/// inside its interval, and the outputs come from applying the effects, in order of those
/// instants, to a real atomic register per key. Concurrency comes from the clients' overlapping
/// intervals. Some operations fail (no effect) and some end unknown (the effect lands at a random
/// later instant, possibly after the client moved on, or never).
struct AtomicHistoryGenerator {
    var keys = 3
    var processes = 5
    var operations = 200
    var unknownPercent = 4
    var failPercent = 3
    /// Percent of operations that take much longer than usual, overlapping many others.
    var slowPercent = 5

    private struct Pending {
        var process: Int
        var key: Int
        var choice: Int
        var invokedAt: Int64
        var effectAt: Int64
        var returnedAt: Int64?
        var takesEffect: Bool
        var outcome: Outcome
        enum Outcome { case ok, fail, unknown }
    }

    func generate(seed: UInt64) -> [HistoryOperation] {
        var random = SplitMix64(seed: seed)
        var clock = [Int64](repeating: 0, count: processes)
        var pending: [Pending] = []
        for _ in 0..<operations {
            let process = random.below(processes)
            let invokedAt = clock[process] + Int64(random.below(20))
            let duration = Int64(1 + (random.percent(slowPercent) ? random.below(2_000) : random.below(100)))
            let returnedAt = invokedAt + duration
            var operation = Pending(
                process: process, key: random.below(keys), choice: random.below(100),
                invokedAt: invokedAt, effectAt: invokedAt + Int64(random.below(Int(duration) + 1)),
                returnedAt: returnedAt, takesEffect: true, outcome: .ok)
            if random.percent(failPercent) {
                operation.outcome = .fail
                operation.takesEffect = false
            } else if random.percent(unknownPercent) {
                operation.outcome = .unknown
                operation.returnedAt = nil
                operation.takesEffect = random.percent(50)
                // The effect may land long after the client gave up.
                operation.effectAt = invokedAt + Int64(random.below(3_000))
            }
            pending.append(operation)
            clock[process] = returnedAt + 1
        }

        // Apply the effects in order of their instants; ties in invocation order.
        let order = pending.indices.sorted { (pending[$0].effectAt, $0) < (pending[$1].effectAt, $1) }
        var registers = [Bytes?](repeating: nil, count: keys)
        var written = [[Bytes]](repeating: [], count: keys)
        var result = [HistoryOperation?](repeating: nil, count: pending.count)
        var nextValue = 0
        for index in order {
            let operation = pending[index]
            let key = operation.key
            let current = registers[key]
            let kind: OperationKind
            var output: OperationOutput
            switch operation.choice {
            case 0..<40:
                kind = .read
                output = .read(current)
            case 40..<70:
                nextValue += 1
                let value = Bytes(utf8: "k\(key)-v\(nextValue)")
                kind = .write(value)
                output = .write
                if operation.takesEffect { registers[key] = value; written[key].append(value) }
            case 70..<80:
                kind = .delete
                output = .delete(existed: operation.choice < 75 ? current != nil : nil)
                if operation.takesEffect { registers[key] = nil }
            default:
                nextValue += 1
                let new = Bytes(utf8: "k\(key)-v\(nextValue)")
                // Usually expect the current value (so swaps succeed), sometimes a stale one.
                let expected: Bytes? = operation.choice < 92 || written[key].isEmpty
                    ? current
                    : written[key][(operation.choice * 7919) % written[key].count]
                kind = .compareAndSet(expected: expected, new: new)
                let succeeded = expected == current
                output = .compareAndSet(succeeded: succeeded)
                if operation.takesEffect && succeeded { registers[key] = new; written[key].append(new) }
            }
            let outcome: OperationOutcome
            switch operation.outcome {
            case .ok: outcome = .ok(output)
            case .fail: outcome = .fail
            case .unknown: outcome = .unknown
            }
            result[index] = HistoryOperation(
                process: operation.process, key: Bytes(utf8: "key\(key)"), kind: kind,
                invokedAt: operation.invokedAt, outcome: outcome, returnedAt: operation.returnedAt)
        }
        return result.map { $0! }
    }
}
