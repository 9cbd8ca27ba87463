/// A direct proof of the commonest violations (stale reads, lost writes), before any search.
///
/// Take an operation that needs the register to hold exactly `v` (a read of `v`, a successful
/// compare-and-set expecting `v`, a delete that found nothing). In any linearization, the last
/// operation before it that produced `v` (or the initial value) must be followed by no other
/// change until it. So if some definite operation that leaves a different value certainly comes
/// after every possible producer of `v` (invoked after the producer returned) and certainly
/// before the needy operation (returned before it was invoked), no linearization exists. It is
/// enough to check the producer that returned last, and an unknown producer, which may land at
/// any time, rules the proof out.
///
/// This costs O(n log n), proves a stale read at the end of a history of tens of thousands of
/// operations instantly (the search would have to exhaust every order of everything before it),
/// and names the overwrite that makes the read stale.
extension KeySearch {
    private struct Timed {
        var invokedAt: Int64
        var returnedAt: Int64
        var value: Int32
        var index: Int32
    }

    func certainlyStale() -> [LinearizabilityViolation.StuckOperation] {
        // Definite operations that certainly leave a definite value, by invocation.
        var overwrites: [Timed] = []
        // Per value: definite producers by invocation, and the earliest unknown producer.
        var producers = [[Timed]](repeating: [], count: values.count)
        var earliestUnknownProducer = [Int64](repeating: .max, count: values.count)
        for (index, step) in definiteSteps.enumerated() {
            guard let value = step.source else { continue }
            let timed = Timed(invokedAt: definite[index].invokedAt, returnedAt: definite[index].returnedAt!,
                              value: value, index: Int32(index))
            overwrites.append(timed)
            producers[Int(value)].append(timed)
        }
        for (index, step) in unknownSteps.enumerated() {
            guard let value = step.source else { continue }
            earliestUnknownProducer[Int(value)] = min(earliestUnknownProducer[Int(value)], unknown[index].invokedAt)
        }
        overwrites.sort { ($0.invokedAt, $0.index) < ($1.invokedAt, $1.index) }
        for value in producers.indices { producers[value].sort { ($0.invokedAt, $0.index) < ($1.invokedAt, $1.index) } }

        // For each suffix of `overwrites`: the earliest return, and the earliest return among
        // those leaving a different value than that one.
        var earliest = [Timed?](repeating: nil, count: overwrites.count + 1)
        var runnerUp = [Timed?](repeating: nil, count: overwrites.count + 1)
        for position in overwrites.indices.reversed() {
            let candidate = overwrites[position]
            var first = earliest[position + 1], second = runnerUp[position + 1]
            if first == nil || candidate.returnedAt < first!.returnedAt {
                if let previous = first, previous.value != candidate.value {
                    second = previous
                } else if second != nil && second!.value == candidate.value {
                    second = nil
                }
                first = candidate
            } else if candidate.value != first!.value && (second == nil || candidate.returnedAt < second!.returnedAt) {
                second = candidate
            }
            earliest[position] = first
            runnerUp[position] = second
        }
        /// A definite operation leaving something other than `value`, invoked after `after` and
        /// returned before `before`.
        func overwrite(other value: Int32, after: Int64, before: Int64) -> Timed? {
            var low = 0, high = overwrites.count
            while low < high {
                let middle = (low + high) / 2
                if overwrites[middle].invokedAt > after { high = middle } else { low = middle + 1 }
            }
            let found = earliest[low]?.value != value ? earliest[low] : runnerUp[low]
            guard let found, found.returnedAt < before else { return nil }
            return found
        }

        var stale: [(invokedAt: Int64, entry: LinearizabilityViolation.StuckOperation)] = []
        for (index, step) in definiteSteps.enumerated() {
            guard let need = step.exactNeed else { continue }
            let operation = definite[index]
            let returnedAt = operation.returnedAt!
            if earliestUnknownProducer[Int(need)] <= returnedAt { continue }
            // The producer (other than this operation) that could come before it and returned last.
            var last: Timed?
            for producer in producers[Int(need)] {
                if producer.invokedAt > returnedAt { break }
                if producer.index != Int32(index) && (last == nil || producer.returnedAt > last!.returnedAt) { last = producer }
            }
            let wanted = Rendering.value(values.value(need))
            if last == nil && need != initialState {
                let reason = producers[Int(need)].isEmpty && earliestUnknownProducer[Int(need)] == .max
                    ? "needs the register to hold \(wanted), but no operation in the history ever puts it there"
                    : "needs the register to hold \(wanted), but nothing that puts it there was invoked before this returned"
                stale.append((operation.invokedAt, .init(operation: operation, reason: reason)))
                continue
            }
            guard let culprit = overwrite(other: need, after: last?.returnedAt ?? .min, before: operation.invokedAt) else { continue }
            let since = last.map { "its last possible writer, \(definite[Int($0.index)])" } ?? "the initial value"
            let reason = "needs the register to hold \(wanted), but \(definite[Int(culprit.index)]) "
                + "certainly replaced it after \(since), and before this began"
            stale.append((operation.invokedAt, .init(operation: operation, reason: reason)))
        }
        return stale.sorted { $0.invokedAt < $1.invokedAt }.map(\.entry)
    }
}
