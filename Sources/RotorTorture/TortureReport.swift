/// The outcome of a torture run: what it did, and each check's result.
///
/// The checks are kept apart (rather than one pass/fail) so a failure says which guarantee
/// broke, and `counts` say how much was exercised, so a pass over an idle or fault-free run can
/// be recognized as the weak evidence it is.
public struct TortureReport: Sendable, Hashable {
    public var counts: OperationCounts
    /// The history follows its own rules (pairing, types). A failure here means a runner bug,
    /// and the other checks looked only at what could be paired.
    public var wellFormedness: CheckResult
    /// Check 1: every key behaves as an atomic register.
    public var linearizability: CheckResult
    /// Check 2: the final reads show the last acknowledged mutations.
    public var acknowledgedWrites: CheckResult
    /// Check 3: LOCAL reads with `min_index` show their own client's writes.
    public var localReads: CheckResult
    /// Check 4: the replicas' applied indexes and digests agree.
    public var convergence: CheckResult
    /// Throughput during each fault against the healthy rate: reported, not checked.
    public var throughput: FaultThroughput?

    public init(
        counts: OperationCounts, wellFormedness: CheckResult, linearizability: CheckResult,
        acknowledgedWrites: CheckResult, localReads: CheckResult, convergence: CheckResult
    ) {
        self.counts = counts
        self.wellFormedness = wellFormedness
        self.linearizability = linearizability
        self.acknowledgedWrites = acknowledgedWrites
        self.localReads = localReads
        self.convergence = convergence
    }

    /// Every check, in report order.
    public var checks: [CheckResult] {
        [wellFormedness, linearizability, acknowledgedWrites, localReads, convergence]
    }

    /// Whether every check passed or was skipped. An inconclusive check fails the run.
    public var passed: Bool { checks.allSatisfy(\.isAcceptable) }
}
