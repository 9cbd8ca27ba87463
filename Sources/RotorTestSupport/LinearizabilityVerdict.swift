/// The checker's answer for a whole history.
public enum LinearizabilityVerdict: Sendable, Equatable, CustomStringConvertible {
    /// Every key has an order of its operations that a single atomic register could have
    /// produced, consistent with real time.
    case linearizable
    /// Some key has no such order. When several keys do, this is the first in byte order.
    case violation(LinearizabilityViolation)
    /// No violation was found, but the checker could not decide: the budget ran out, or the
    /// history is malformed (for example an `ok` operation without a return time). Never treat
    /// this as a pass.
    case inconclusive(reason: String)

    public var isLinearizable: Bool { self == .linearizable }

    /// The violation, if this verdict is one.
    public var violation: LinearizabilityViolation? {
        if case .violation(let violation) = self { return violation }
        return nil
    }

    public var description: String {
        switch self {
        case .linearizable: return "linearizable"
        case .violation(let violation): return violation.description
        case .inconclusive(let reason): return "inconclusive: \(reason)"
        }
    }
}
