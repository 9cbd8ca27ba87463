import RotorModel

/// Decides one key: Wing & Gong's depth-first search with Porcupine's cache, plus reductions that
/// keep it linear-ish on long histories with unknown outcomes.
///
/// Order of work:
/// 1. `certainlyStale()` proves the common violations (stale reads, lost writes) from real-time
///    order alone, in O(n log n), without searching.
/// 2. The search. Operations with known outcomes ("definite") live in a list of calls and returns
///    (`EntryList`); the search places one of the calls before the first pending return, and
///    backtracks when none fits. Configurations already explored are skipped (`SearchCache`).
/// 3. On a violation, the search runs again without the starvation lookahead, on a small budget,
///    so the report shows the true longest linearizable prefix.
///
/// Reductions, each of which keeps the search complete (it finds a linearization whenever one
/// exists), as the brute-force comparison in the tests checks:
/// - Values no operation tests for are one abstract state (`RegisterValues.abstract`).
/// - An operation that fits now and never changes the register (a read, a compare-and-set that
///   reported failure) can be moved to the front of any linearization of the rest: nothing
///   pending had to come before it and nothing after it sees a difference. It is placed without
///   trying alternatives; if what follows fails, the point before it fails too.
/// - Unknown operations may be applied at any point or never, which is what usually blows such
///   searches up. But an applied unknown operation can always be moved later (nothing has to
///   follow it) or dropped, so if any linearization exists, one exists in which every run of
///   unknown operations is at most one unconditional operation (put, delete) followed by
///   compare-and-sets, each changing the register, and comes immediately before a definite
///   operation that fails in the state before the run and fits after it. The search only builds
///   linearizations of that form, so unknown operations are applied only when a pending definite
///   operation needs them.
/// - Pending unknown operations with the same abstract effect are interchangeable: only the
///   earliest unapplied one of each class is tried.
/// - `StarvationCheck` abandons a branch as soon as some pending operation needs a value nothing
///   left can produce.
struct KeySearch {
    enum Result {
        case linearizable
        case violation(LinearizabilityViolation)
        case outOfSteps(steps: Int, placed: Int, of: Int)
        case outOfTime(steps: Int, placed: Int, of: Int)
    }

    private struct Frame {
        /// The entry placed, in the definite or the unknown list.
        var entry: Int32
        var isDefinite: Bool
        var previousState: Int32
        /// For unknown operations: the state before the run this operation belongs to.
        var runOrigin: Int32
        /// Placed as the only candidate worth trying (it leaves the register unchanged): when it
        /// is undone, the point before it is exhausted too.
        var forced = false
    }

    /// How much of the longest prefix and of the stuck frontier a violation reports.
    static let reportedTail = 8
    static let reportedStuck = 8

    let key: Bytes
    let definite: [HistoryOperation]
    let unknown: [HistoryOperation]
    let definiteSteps: [RegisterStep]
    let unknownSteps: [RegisterStep]
    let values: RegisterValues
    let initialState: Int32

    /// `operations`: this key's operations with `fail`s and unknown reads removed, every `ok`
    /// one with a valid return time and matching output.
    init(key: Bytes, operations: [HistoryOperation], initialValue: Bytes?) {
        self.key = key
        var values = RegisterValues()
        initialState = values.intern(initialValue)
        var definite: [HistoryOperation] = [], unknown: [HistoryOperation] = []
        var definiteSteps: [RegisterStep] = [], unknownSteps: [RegisterStep] = []
        for operation in operations {
            var output: OperationOutput?
            if case .ok(let observed) = operation.outcome { output = observed }
            let step: RegisterStep
            switch (operation.kind, output) {
            case (.read, .read(let seen)?):
                step = .read(values.intern(seen, mentioned: true))
            case (.write(let written), _):
                step = .write(values.intern(written))
            case (.delete, .delete(let existed)?):
                step = .delete(existed: existed)
            case (.delete, _):
                step = .delete(existed: nil)
            case (.compareAndSet(let expected, let new), .compareAndSet(let succeeded)?):
                step = .compareAndSet(expected: values.intern(expected, mentioned: true), new: values.intern(new), succeeded: succeeded)
            case (.compareAndSet(let expected, let new), _):
                step = .compareAndSet(expected: values.intern(expected, mentioned: true), new: values.intern(new), succeeded: nil)
            default:
                preconditionFailure("KeySearch: unvalidated operation \(operation)")
            }
            if output != nil {
                definite.append(operation)
                definiteSteps.append(step)
            } else {
                unknown.append(operation)
                unknownSteps.append(step)
            }
        }
        self.values = values
        self.definite = definite
        self.unknown = unknown
        self.definiteSteps = definiteSteps
        self.unknownSteps = unknownSteps
    }

    var operationCount: Int { definite.count + unknown.count }

    /// Unknown operations with the same effect on the abstract state are interchangeable: only
    /// the earliest-invoked unapplied one of each class is ever tried, so the applied ones always
    /// form a prefix of their class. Returns each operation's class and rank within it, given the
    /// unknown list's order.
    private func symmetryClasses(order maybes: EntryList) -> (classOf: [Int32], rank: [Int32], classCount: Int) {
        enum Effect: Hashable {
            case write(Int32)
            case delete
            case compareAndSet(expected: Int32, new: Int32)
        }
        var ids: [Effect: Int32] = [:]
        var classOf = [Int32](repeating: 0, count: unknown.count)
        var rank = [Int32](repeating: 0, count: unknown.count)
        var sizes: [Int32] = []
        var entry = maybes.first
        while entry != maybes.tail {
            let operation = Int(maybes.operation[Int(entry)])
            let effect: Effect
            switch unknownSteps[operation] {
            case .write(let value): effect = .write(values.abstract(value))
            case .delete: effect = .delete
            case .compareAndSet(let expected, let new, _): effect = .compareAndSet(expected: expected, new: values.abstract(new))
            case .read: preconditionFailure("unknown reads are dropped before the search")
            }
            let id: Int32
            if let known = ids[effect] {
                id = known
            } else {
                id = Int32(sizes.count)
                ids[effect] = id
                sizes.append(0)
            }
            classOf[operation] = id
            rank[operation] = sizes[Int(id)]
            sizes[Int(id)] += 1
            entry = maybes.next[Int(entry)]
        }
        return (classOf, rank, sizes.count)
    }

    /// The furthest point the search reached, kept to explain a violation.
    private struct Furthest {
        var placed = -1
        var depth = 0
        var tail: [(isDefinite: Bool, index: Int32)] = []
        var state: Int32 = 0
        var placedDefinite = Bitset(count: 0)
        var appliedUnknown = Bitset(count: 0)
        /// The pending definite operations at that point, the one whose return blocks first.
        var frontier: [Int32] = []
    }

    /// Steps allowed for re-searching a violating history without the starvation lookahead, to
    /// report the longest prefix rather than the point where the lookahead cut the search.
    static let reportSearchSteps = 200_000

    func run(maxSteps: Int, deadline: ContinuousClock.Instant?) -> Result {
        if definite.isEmpty { return .linearizable }
        let certain = certainlyStale()
        if !certain.isEmpty {
            let reported = Array(certain.prefix(Self.reportedStuck))
            return .violation(LinearizabilityViolation(
                key: key, operationCount: operationCount, stuck: reported,
                moreStuckCount: certain.count - reported.count, prefix: nil))
        }
        let result = search(maxSteps: maxSteps, deadline: deadline, lookahead: true)
        guard case .violation = result else { return result }
        let unpruned = search(maxSteps: min(maxSteps, Self.reportSearchSteps), deadline: deadline, lookahead: false)
        if case .violation = unpruned { return unpruned }
        return result
    }

    /// The search proper. `lookahead` enables the starvation check; without it the search is
    /// slower to refute but its furthest point is the true longest linearizable prefix.
    private func search(maxSteps: Int, deadline: ContinuousClock.Instant?, lookahead: Bool) -> Result {
        var calls = EntryList(invocations: definite.map(\.invokedAt), returns: definite.map(\.returnedAt))
        var maybes = EntryList(invocations: unknown.map(\.invokedAt), returns: unknown.map { _ in nil })
        let (classOf, rankInClass, classCount) = symmetryClasses(order: maybes)
        var appliedInClass = [Int32](repeating: 0, count: classCount)
        var placedDefinite = Bitset(count: definite.count)
        var appliedUnknown = Bitset(count: unknown.count)
        // Unapplied unknown compare-and-sets by expected value: can a run continue from a state?
        var chainsFrom = [Int32](repeating: 0, count: values.count)
        for case .compareAndSet(let expected, _, _) in unknownSteps { chainsFrom[Int(expected)] += 1 }
        var starvation = StarvationCheck(valueCount: values.count, definite: definiteSteps, unknown: unknownSteps)
        var cache = SearchCache()
        var stack: [Frame] = []
        // The real value id; decisions and the cache use `values.abstract(state)`.
        var state = initialState
        var remaining = definite.count
        var stepCount = 0
        var furthest = Furthest()

        func recordFurthest() {
            furthest.placed = definite.count - remaining
            furthest.depth = stack.count
            furthest.tail = stack.suffix(Self.reportedTail).map {
                ($0.isDefinite, $0.isDefinite ? calls.operation[Int($0.entry)] : maybes.operation[Int($0.entry)])
            }
            furthest.state = state
            furthest.placedDefinite = placedDefinite
            furthest.appliedUnknown = appliedUnknown
            var pending: [Int32] = []
            var entry = calls.first
            while calls.isCall[Int(entry)] {
                pending.append(calls.operation[Int(entry)])
                entry = calls.next[Int(entry)]
            }
            if entry != calls.tail {
                let blocking = calls.operation[Int(entry)]
                pending.removeAll { $0 == blocking }
                pending.insert(blocking, at: 0)
            }
            furthest.frontier = pending
        }
        recordFurthest()

        enum Placement { case placed, dominated, dead }

        /// Places a definite operation if that leaves the search somewhere new and alive.
        func place(definite entry: Int32, to newState: Int32, forced: Bool) -> Placement {
            let operation = calls.operation[Int(entry)]
            let step = definiteSteps[Int(operation)]
            placedDefinite.insert(operation)
            starvation.adjust(step, by: -1)
            let dead = lookahead && starvation.isDead(in: newState)
            if !dead, cache.insert(definite: placedDefinite, state: values.abstract(newState), context: -1, unknown: appliedUnknown) {
                stack.append(Frame(entry: entry, isDefinite: true, previousState: state, runOrigin: -1, forced: forced))
                state = newState
                calls.lift(entry)
                remaining -= 1
                if definite.count - remaining > furthest.placed { recordFurthest() }
                return .placed
            }
            if dead && definite.count - remaining + 1 > furthest.placed {
                // Not worth searching, but worth reporting: this is as far as any order gets.
                let previous = state
                stack.append(Frame(entry: entry, isDefinite: true, previousState: state, runOrigin: -1))
                state = newState
                calls.lift(entry)
                remaining -= 1
                recordFurthest()
                remaining += 1
                calls.unlift(entry)
                state = previous
                stack.removeLast()
            }
            placedDefinite.remove(operation)
            starvation.adjust(step, by: 1)
            return dead ? .dead : .dominated
        }

        /// The pending definite operations that fail in `base`: what a run of unknown operations
        /// starting from `base` would have to enable. Also the latest invocation time a candidate
        /// unknown operation may have.
        func needs(from base: Int32) -> (needy: [Int32], horizon: Int64) {
            var needy: [Int32] = []
            var entry = calls.first
            while calls.isCall[Int(entry)] {
                if definiteSteps[Int(calls.operation[Int(entry)])].apply(to: base) == nil { needy.append(entry) }
                entry = calls.next[Int(entry)]
            }
            return (needy, calls.time[Int(entry)])
        }

        /// For the report: an unknown operation was not worth applying because it would starve
        /// something, yet with it one more definite operation fits. Record that point.
        func recordTentatively(unknown entry: Int32, to unknownState: Int32, enabling needy: [Int32]) {
            guard definite.count - remaining + 1 > furthest.placed,
                  let enabled = needy.first(where: { definiteSteps[Int(calls.operation[Int($0)])].apply(to: unknownState) != nil })
            else { return }
            let operation = calls.operation[Int(enabled)]
            let previous = state
            stack.append(Frame(entry: entry, isDefinite: false, previousState: state, runOrigin: state))
            maybes.lift(entry)
            stack.append(Frame(entry: enabled, isDefinite: true, previousState: unknownState, runOrigin: -1))
            calls.lift(enabled)
            placedDefinite.insert(operation)
            state = definiteSteps[Int(operation)].apply(to: unknownState)!
            remaining -= 1
            recordFurthest()
            remaining += 1
            state = previous
            placedDefinite.remove(operation)
            calls.unlift(enabled)
            stack.removeLast()
            maybes.unlift(entry)
            stack.removeLast()
        }

        var cursor = calls.first
        var definitePhase = true
        // Whether the search has just arrived at this point (rather than come back to it).
        var arrived = !(lookahead && starvation.isDead(in: state))
        var exhausted = !arrived
        while true {
            if remaining == 0 { return .linearizable }
            stepCount += 1
            if stepCount > maxSteps {
                return .outOfSteps(steps: stepCount - 1, placed: furthest.placed, of: definite.count)
            }
            if stepCount & 0x3FF == 0, let deadline, ContinuousClock.now >= deadline {
                return .outOfTime(steps: stepCount, placed: furthest.placed, of: definite.count)
            }
            // Inside a run of unknown operations, the state the run started from.
            let runOrigin: Int32? = stack.last.flatMap { $0.isDefinite ? nil : $0.runOrigin }
            var placed = false

            if arrived {
                arrived = false
                // An operation that fits and never changes the register goes next, alone.
                var entry = calls.first
                while calls.isCall[Int(entry)] {
                    let step = definiteSteps[Int(calls.operation[Int(entry)])]
                    if step.neverChangesState, step.apply(to: state) != nil,
                       runOrigin == nil || step.apply(to: runOrigin!) == nil {
                        placed = place(definite: entry, to: state, forced: true) == .placed
                        exhausted = !placed
                        break
                    }
                    entry = calls.next[Int(entry)]
                }
            }

            if placed || exhausted {
                exhausted = false
            } else if definitePhase {
                var entry = cursor
                while calls.isCall[Int(entry)] {
                    let step = definiteSteps[Int(calls.operation[Int(entry)])]
                    // After a run, only an operation the run was needed for.
                    if runOrigin == nil || step.apply(to: runOrigin!) == nil, let newState = step.apply(to: state),
                       place(definite: entry, to: newState, forced: false) == .placed {
                        placed = true
                        break
                    }
                    entry = calls.next[Int(entry)]
                }
                if !placed {
                    // Now the unknown operations, from the start of their list.
                    definitePhase = false
                    cursor = maybes.first
                    continue
                }
            } else {
                let origin = runOrigin ?? state
                let (needy, horizon) = needs(from: origin)
                var entry = needy.isEmpty ? maybes.tail : cursor
                while maybes.isCall[Int(entry)] && maybes.time[Int(entry)] <= horizon {
                    let current = entry
                    entry = maybes.next[Int(entry)]
                    let operation = Int(maybes.operation[Int(current)])
                    let step = unknownSteps[operation]
                    // Only the first unapplied operation of its class; unconditional ones only to
                    // start a run; and every step must change the (abstract) state.
                    let symmetryClass = Int(classOf[operation])
                    if rankInClass[operation] != appliedInClass[symmetryClass] { continue }
                    if runOrigin != nil && step.isUnconditional { continue }
                    let newState = step.apply(to: state)!
                    if values.abstract(newState) == values.abstract(state) { continue }
                    // Useful only if it enables a needy operation or a further compare-and-set.
                    let enables = needy.contains { definiteSteps[Int(calls.operation[Int($0)])].apply(to: newState) != nil }
                    if !enables && chainsFrom[Int(newState)] == 0 { continue }
                    appliedUnknown.insert(Int32(operation))
                    starvation.adjust(step, by: -1)
                    let dead = lookahead && starvation.isDead(in: newState)
                    if dead && enables { recordTentatively(unknown: current, to: newState, enabling: needy) }
                    if !dead,
                       cache.insert(definite: placedDefinite, state: values.abstract(newState),
                                    context: values.abstract(origin), unknown: appliedUnknown) {
                        stack.append(Frame(entry: current, isDefinite: false, previousState: state, runOrigin: origin))
                        state = newState
                        maybes.lift(current)
                        appliedInClass[symmetryClass] += 1
                        if case .compareAndSet(let expected, _, _) = step { chainsFrom[Int(expected)] -= 1 }
                        placed = true
                        break
                    }
                    appliedUnknown.remove(Int32(operation))
                    starvation.adjust(step, by: 1)
                }
            }

            if placed {
                cursor = calls.first
                definitePhase = true
                arrived = true
                continue
            }
            // Nothing fits here: undo the last placement and try what comes after it (or, after a
            // forced placement, give up on the point before it as well).
            var undone: Frame?
            repeat {
                guard let frame = stack.popLast() else { undone = nil; break }
                undone = frame
                state = frame.previousState
                if frame.isDefinite {
                    calls.unlift(frame.entry)
                    let operation = calls.operation[Int(frame.entry)]
                    placedDefinite.remove(operation)
                    starvation.adjust(definiteSteps[Int(operation)], by: 1)
                    remaining += 1
                } else {
                    maybes.unlift(frame.entry)
                    let operation = Int(maybes.operation[Int(frame.entry)])
                    appliedUnknown.remove(Int32(operation))
                    appliedInClass[Int(classOf[operation])] -= 1
                    starvation.adjust(unknownSteps[operation], by: 1)
                    if case .compareAndSet(let expected, _, _) = unknownSteps[operation] { chainsFrom[Int(expected)] += 1 }
                }
            } while undone!.forced
            guard let frame = undone else { break }
            if frame.isDefinite {
                cursor = calls.next[Int(frame.entry)]
                definitePhase = true
            } else {
                cursor = maybes.next[Int(frame.entry)]
                definitePhase = false
            }
        }
        return .violation(explain(furthest))
    }

    /// The violation report for the furthest point reached: first the pending operations that
    /// contradict the register there, then operations whose value can no longer be produced, then
    /// pending operations that fit but lead nowhere.
    private func explain(_ furthest: Furthest) -> LinearizabilityViolation {
        let state = furthest.state
        var contradicted: [LinearizabilityViolation.StuckOperation] = []
        var fitting: [LinearizabilityViolation.StuckOperation] = []
        for index in furthest.frontier {
            let step = definiteSteps[Int(index)]
            if step.apply(to: state) == nil {
                contradicted.append(.init(operation: definite[Int(index)], reason: step.rejection(in: state, values)))
            } else {
                fitting.append(.init(operation: definite[Int(index)],
                                     reason: "fits here, but every order of the operations after it fails later"))
            }
        }

        // Recount, at that point, which needed values nothing left can produce.
        var pendingSteps: [RegisterStep] = [], pendingIndices: [Int32] = []
        for index in definite.indices where !furthest.placedDefinite.contains(Int32(index)) {
            pendingSteps.append(definiteSteps[index])
            pendingIndices.append(Int32(index))
        }
        let unappliedUnknown = unknown.indices.filter { !furthest.appliedUnknown.contains(Int32($0)) }.map { unknownSteps[$0] }
        let starved = Set(StarvationCheck(valueCount: values.count, definite: pendingSteps, unknown: unappliedUnknown)
            .starvedValues(in: state))
        let everProduced = Set(definiteSteps.compactMap(\.source) + unknownSteps.compactMap(\.source) + [initialState])
        var starving: [LinearizabilityViolation.StuckOperation] = []
        let shown = Set(furthest.frontier)
        for (position, step) in pendingSteps.enumerated() {
            guard let need = step.exactNeed, starved.contains(need), !shown.contains(pendingIndices[position]) else { continue }
            let value = Rendering.value(values.value(need))
            let reason = everProduced.contains(need)
                ? "needs the register to hold \(value), but every operation that could put it there is already linearized before this point"
                : "needs the register to hold \(value), but no operation in the history ever puts it there"
            starving.append(.init(operation: definite[Int(pendingIndices[position])], reason: reason))
        }

        let stuck = contradicted + starving + fitting
        let reported = Array(stuck.prefix(Self.reportedStuck))
        return LinearizabilityViolation(
            key: key,
            operationCount: operationCount,
            stuck: reported,
            moreStuckCount: stuck.count - reported.count,
            prefix: .init(
                count: furthest.depth,
                tail: furthest.tail.map { $0.isDefinite ? definite[Int($0.index)] : unknown[Int($0.index)] },
                valueAfter: values.value(state)))
    }
}
