/// Check 3: a LOCAL read with `min_index` shows its own client's acknowledged writes.
///
/// A LOCAL read is served by whichever replica the client asked, without a round through the
/// leader, so it may be stale; `min_index` bounds how stale: the replica waits until it has
/// applied the client's latest acknowledged write. So a read-local of key k by client c, invoked
/// after c's latest acknowledged mutation A of k returned, must return A's effect (its value, or
/// absent after a delete) or the effect of a mutation of k that can be ordered after A: any
/// mutation that may have taken effect, began no later than the read returned, and is not known
/// to have completed before A was invoked (those are certainly older than A).
///
/// What this detects: a replica that serves the read before applying the client's own write
/// (`min_index` ignored, compared wrongly, or lost on the way), returning the effect of a
/// certainly older mutation, the initial absence, or a value nothing wrote.
///
/// What it cannot detect, by design or by lack of information:
/// - staleness relative to other clients' writes, which LOCAL reads are allowed;
/// - anything about a read-local whose client had no acknowledged mutation of that key before it;
/// - a stale value left by a mutation concurrent with A (it may be ordered after A);
/// - the session-wide promise: `min_index` also covers the client's writes to other keys, and
///   mutations of k ordered before those; only the client's own writes to k are used here;
/// - monotonic reads: one read-local going back relative to an earlier one of the same client.
///
/// All processes of a client (c, c+N, …; see `ProcessNumbering`) count as the client, so the
/// runner must carry a client's `min_index` over to its next process after an `info`.
enum LocalReadCheck {
    static let name = "read-local sees own writes"

    static func run(_ history: PairedHistory, numbering: ProcessNumbering) -> CheckResult {
        let index = MutationIndex(history.operations, numbering: numbering)
        var findings: [TortureFinding] = []
        var checked = 0, unconstrained = 0
        for read in history.operations where read.function == .readLocal && read.isOK {
            let client = numbering.client(ofProcess: read.process)
            guard let own = index.latestAcknowledged(client: client, key: read.key, before: read.invokedAt) else {
                unconstrained += 1
                continue
            }
            checked += 1
            if let finding = check(read, own, index) { findings.append(finding) }
        }
        let detail = "\(checked) read-local operations after an acknowledged write of their own client, "
            + "\(unconstrained) unconstrained"
        return .judged(name, detail: detail, findings: findings)
    }

    private static func check(_ read: ClientOperation, _ own: ClientOperation, _ index: MutationIndex) -> TortureFinding? {
        let seen = read.valueSeen
        if own.valueAfter == seen { return nil }
        let producers = index.producers(key: read.key, value: seen)
        let newer = producers.contains { $0.invokedAt <= read.returnedAt! && !$0.certainlyPrecedes(own) }
        if newer { return nil }
        var lines = [
            "key \(Show.string(read.key)): \(read) is older than its own client's acknowledged \(own)",
        ]
        if producers.isEmpty {
            lines.append(seen == nil
                ? "  absent is only the initial state here: no delete could have left it"
                : "  no mutation in the history writes that value")
        } else {
            lines.append("  only these leave that value, and each completed before that write began (or began after the read):")
            lines += producers.prefix(3).map { "    \($0)" }
            if producers.count > 3 { lines.append("    … and \(producers.count - 3) more") }
        }
        return TortureFinding(key: read.key, message: lines.joined(separator: "\n"),
                              operations: [read, own] + producers.prefix(3))
    }
}
