/// How much work the checker may spend before it gives up with `.inconclusive`.
///
/// Linearizability checking is NP-complete; a long history with many concurrent or unknown writes
/// can make any exact checker search for hours. A budget turns that into a clear "could not
/// decide" instead of a hung test run.
///
/// Steps are deterministic (the same history always takes the same number), so the simulator,
/// which must reproduce a run from its seed, should bound steps only. The wall-clock limit is a
/// safety net for the torture tool on real clusters.
public struct CheckBudget: Sendable, Equatable {
    /// Search steps (points the search visits or returns to) allowed for one key before giving
    /// up on that key. A step leaves at most one entry in the search cache, so this also bounds
    /// memory, to roughly 100-200 bytes per step. A linearizable history typically needs one to
    /// three steps per operation.
    public var maxStepsPerKey: Int
    /// Wall-clock time for the whole check; nil for none. Keys not finished in time are
    /// reported as inconclusive.
    public var timeLimit: Duration?

    public init(maxStepsPerKey: Int = 5_000_000, timeLimit: Duration? = nil) {
        precondition(maxStepsPerKey > 0, "CheckBudget: maxStepsPerKey must be positive")
        self.maxStepsPerKey = maxStepsPerKey
        self.timeLimit = timeLimit
    }

    /// Five million steps per key and no clock: deterministic, a few seconds at worst per key in
    /// an optimized build (several times that in a debug build), and far more than a
    /// linearizable history of tens of thousands of operations needs.
    public static let `default` = CheckBudget()

    /// No limit at all. Only for histories known to be small.
    public static let unlimited = CheckBudget(maxStepsPerKey: Int.max, timeLimit: nil)
}
