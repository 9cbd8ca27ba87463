import RotorTestSupport

/// RotorTorture: the verdict half of `rotorkv torture`, a Jepsen-style test of a real cluster.
///
/// The runner (replica processes, workload clients, the nemesis) records every client operation
/// and every fault as `HistoryEvent`s, one JSON line each, through a `HistoryWriter`; this
/// module then decides whether the cluster kept its promises. It knows nothing of sockets or
/// processes, so the verdict can be tested on hand-made histories (a verdict that never fails
/// proves nothing) and re-run on a saved file (`readHistory(path:)`). It reuses the project's
/// linearizability checker rather than keeping a second one.
///
/// `check` runs, and reports separately:
/// 0. well-formedness: the history follows its own rules (`PairedHistory`);
/// 1. linearizability per key of reads, writes, compare-and-sets and deletes;
/// 2. no lost acknowledged write: the final reads show the last acknowledged mutations;
/// 3. LOCAL reads with `min_index` show their own client's acknowledged writes;
/// 4. convergence: all replicas report the same applied index and state digest.
///
/// Keys are assumed absent when the history begins: the workload must use keys nobody wrote
/// before the run (a fresh cluster, or key names unique to the run).
public enum TortureVerdict {
    /// A budget that suits a real run: two million search steps per key and two minutes in
    /// all. A run the checker cannot decide within it is reported inconclusive, never passed.
    public static let defaultBudget = CheckBudget(maxStepsPerKey: 2_000_000, timeLimit: .seconds(120))

    /// Checks a whole history.
    /// - Parameters:
    ///   - events: the history, in recording order (process numbering as in `ProcessNumbering`).
    ///   - clients: N, the number of workload clients (client = process mod N).
    ///   - finalDigests: per replica, its applied index and state digest after the heal; nil
    ///     skips the convergence check.
    ///   - budget: what the linearizability checker may spend.
    ///   - workloadEnd, electionTimeout: for the throughput report (`FaultThroughput`), in nanoseconds.
    public static func check(
        events: [HistoryEvent],
        clients: Int,
        finalDigests: [Int: (appliedIndex: Int64, digest: UInt64)]?,
        budget: CheckBudget = defaultBudget,
        workloadEnd: Int64? = nil,
        electionTimeout: Int64 = 0
    ) -> TortureReport {
        let numbering = ProcessNumbering(clients: clients)
        let history = PairedHistory(events)
        var report = TortureReport(
            counts: OperationCounts(history),
            wellFormedness: WellFormednessCheck.run(history),
            linearizability: LinearizabilityCheck.run(history, budget: budget),
            acknowledgedWrites: AcknowledgedWriteCheck.run(history),
            localReads: LocalReadCheck.run(history, numbering: numbering),
            convergence: ConvergenceCheck.run(finalDigests))
        report.throughput = FaultThroughput.measure(events, until: workloadEnd, settleAfter: electionTimeout)
        return report
    }
}
