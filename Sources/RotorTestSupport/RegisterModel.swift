import RotorModel

/// The sequential specification: one register per key holding `Bytes?`.
///
/// Values are interned to small integers so that the model state is one `Int32`: stepping is a
/// comparison and search-cache keys hash cheaply however large the values are.
///
/// Operations only ever test the register for being absent or for holding a value that some
/// operation mentions (a read's output, a compare-and-set's expected value). All other values,
/// typically every write nobody read, are indistinguishable to the rest of the history, so the
/// search treats them as one state, `unobserved` (the real value is kept for reports). That
/// merges search-cache entries and makes pending unknown writes of such values interchangeable.
struct RegisterValues {
    /// The state of an absent key.
    static let absent: Int32 = 0
    /// The abstract state of any value no operation mentions.
    static let unobserved: Int32 = -2

    private var values: [Bytes?] = [nil]
    private var mentioned: [Bool] = [true]
    private var ids: [Bytes: Int32] = [:]

    /// The id of `value`; `mentioned` when an operation tests the register against it.
    mutating func intern(_ value: Bytes?, mentioned isMentioned: Bool = false) -> Int32 {
        guard let value else { return Self.absent }
        if let id = ids[value] {
            if isMentioned { mentioned[Int(id)] = true }
            return id
        }
        let id = Int32(values.count)
        values.append(value)
        mentioned.append(isMentioned)
        ids[value] = id
        return id
    }

    func value(_ id: Int32) -> Bytes? { values[Int(id)] }

    /// The state as the rest of the history can tell it apart: the id itself if some operation
    /// mentions it (or it is absent), `unobserved` otherwise.
    @inline(__always)
    func abstract(_ id: Int32) -> Int32 { mentioned[Int(id)] ? id : Self.unobserved }

    /// How many distinct values there are (absent included).
    var count: Int { values.count }
}

/// One operation reduced to what the model needs: its inputs and, for `ok` operations, the output
/// the model must reproduce.
enum RegisterStep {
    /// A read that must observe this state.
    case read(Int32)
    case write(Int32)
    /// nil `existed`: accept either.
    case delete(existed: Bool?)
    /// nil `succeeded`: the outcome is unknown, so both branches are legal.
    case compareAndSet(expected: Int32, new: Int32, succeeded: Bool?)

    /// The state after this step, or nil when the step's output is impossible in `state`.
    @inline(__always)
    func apply(to state: Int32) -> Int32? {
        switch self {
        case .read(let seen):
            return seen == state ? state : nil
        case .write(let written):
            return written
        case .delete(let existed):
            if let existed, existed != (state != RegisterValues.absent) { return nil }
            return RegisterValues.absent
        case .compareAndSet(let expected, let new, let succeeded):
            let matches = expected == state
            if let succeeded, succeeded != matches { return nil }
            return matches ? new : state
        }
    }

    /// Unconditional writes (put, delete) overwrite whatever an earlier unknown operation did, so
    /// applying an unknown one straight after another unknown one is never necessary.
    var isUnconditional: Bool {
        switch self {
        case .write, .delete: return true
        case .read, .compareAndSet: return false
        }
    }

    /// Whether the step leaves the register as it was in every state where it fits: reads, and
    /// compare-and-sets that report failure (or swap a value for itself). Such a step can be moved
    /// anywhere its real-time bounds allow without changing what any other step sees. (A write
    /// of the current value does not qualify: elsewhere in the order it would change the state.)
    var neverChangesState: Bool {
        switch self {
        case .read: return true
        case .compareAndSet(let expected, let new, let succeeded): return succeeded == false || expected == new
        case .write, .delete: return false
        }
    }

    /// The value this step needs the register to hold exactly, if any: a read's output, a
    /// successful compare-and-set's expected value, absent for a delete that found nothing.
    var exactNeed: Int32? {
        switch self {
        case .read(let seen): return seen
        case .compareAndSet(let expected, _, let succeeded): return succeeded == true ? expected : nil
        case .delete(let existed): return existed == false ? RegisterValues.absent : nil
        case .write: return nil
        }
    }

    /// The value this step may leave in the register, if it can change it to a definite value.
    var source: Int32? {
        switch self {
        case .read: return nil
        case .write(let value): return value
        case .delete: return RegisterValues.absent
        case .compareAndSet(_, let new, let succeeded): return succeeded == false ? nil : new
        }
    }

    /// Why the step is impossible in `state` (only meaningful when `apply` returned nil).
    func rejection(in state: Int32, _ values: RegisterValues) -> String {
        let holds = "the register holds \(Rendering.value(values.value(state)))"
        switch self {
        case .read(let seen):
            return "read saw \(Rendering.value(values.value(seen))) but \(holds)"
        case .write:
            return "a write always fits"
        case .delete(let existed):
            return "delete reported existed=\(existed.map(String.init) ?? "?") but \(holds)"
        case .compareAndSet(let expected, _, let succeeded):
            let outcome = succeeded == true ? "succeeded" : "failed"
            return "cas expecting \(Rendering.value(values.value(expected))) \(outcome) but \(holds)"
        }
    }
}
