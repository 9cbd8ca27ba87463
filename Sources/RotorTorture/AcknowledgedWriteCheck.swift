/// Check 2: no acknowledged write is lost. A direct, easily read diagnosis of the failure a
/// replicated store most needs to avoid; the linearizability check finds these too, but says
/// less plainly what was lost.
///
/// A final read of a key is an `ok` linearizable read invoked after every acknowledged mutation
/// of that key returned (the runner's reads after the heal, or any read that late). Since all
/// acknowledged mutations precede it, the value it sees must have been left by one that could be
/// the last to take effect:
/// - an acknowledged mutation that no other acknowledged mutation certainly follows (invoked
///   after it returned): the last acknowledged write, or any that overlaps it; or
/// - a mutation whose outcome is unknown (`info` or unanswered) invoked before the read
///   returned: it may land at any time, even after every acknowledged one.
/// A write or compare-and-set leaves its value, a delete leaves the key absent. When the read
/// sees anything else, an acknowledged mutation was lost, and the finding names it and the read.
///
/// This is the sound version of "the last acknowledged write must be what the final read sees":
/// that simpler rule would cry wolf when an unknown write, invoked earlier, lands last. A key
/// with an acknowledged mutation but no final read fails the check: whether its writes survived
/// cannot be told, and a cluster that cannot serve a read after the faults are healed is broken
/// anyway. Keys start absent, and keys without acknowledged mutations are left to check 1.
enum AcknowledgedWriteCheck {
    static let name = "no lost acknowledged write"

    static func run(_ history: PairedHistory) -> CheckResult {
        var byKey: [String: [ClientOperation]] = [:]
        for operation in history.operations where operation.function != .readLocal {
            byKey[operation.key, default: []].append(operation)
        }
        var findings: [TortureFinding] = []
        var keysChecked = 0, finalReadCount = 0
        for key in byKey.keys.sorted() {
            let operations = byKey[key]!
            let acknowledged = operations.filter { $0.function.isMutation && $0.isOK }
            guard let lastReturn = acknowledged.compactMap(\.returnedAt).max() else { continue }
            keysChecked += 1
            let finalReads = operations.filter { $0.function == .read && $0.isOK && $0.invokedAt > lastReturn }
            finalReadCount += finalReads.count
            if finalReads.isEmpty {
                findings.append(noFinalRead(key, acknowledged, lastReturn))
                continue
            }
            findings += check(key, operations, acknowledged, finalReads)
        }
        let detail = "\(keysChecked) keys with acknowledged mutations, \(finalReadCount) final reads"
        return .judged(name, detail: detail, findings: findings)
    }

    private static func check(
        _ key: String, _ operations: [ClientOperation], _ acknowledged: [ClientOperation], _ finalReads: [ClientOperation]
    ) -> [TortureFinding] {
        let latestInvocation = acknowledged.map(\.invokedAt).max()!
        let mayBeLast = acknowledged.filter { $0.returnedAt! >= latestInvocation }
        let unknown = operations.filter { $0.function.isMutation && $0.isUnknown }
        var findings: [TortureFinding] = []
        for read in finalReads {
            let seen = read.valueSeen
            if mayBeLast.contains(where: { $0.valueAfter == seen }) { continue }
            if unknown.contains(where: { $0.invokedAt <= read.returnedAt! && $0.valueAfter == seen }) { continue }
            let producers = operations.filter { $0.mayHaveEffect && $0.valueAfter == seen }
            findings.append(lost(key, mayBeLast, read, producers))
        }
        return findings
    }

    private static func lost(
        _ key: String, _ mayBeLast: [ClientOperation], _ read: ClientOperation, _ producers: [ClientOperation]
    ) -> TortureFinding {
        var lines: [String] = []
        if mayBeLast.count == 1 {
            lines.append("key \(Show.string(key)): acknowledged write lost: \(mayBeLast[0])")
        } else {
            lines.append("key \(Show.string(key)): acknowledged write lost: the last acknowledged mutation is one of:")
            lines += mayBeLast.map { "    \($0)" }
        }
        lines.append("  but the final read \(read) saw \(Show.string(read.valueSeen))")
        if producers.isEmpty {
            lines.append(read.valueSeen == nil
                ? "  absent is only the initial state here: no delete could have landed last"
                : "  no mutation in the history writes that value")
        } else {
            lines.append("  only these leave that value, and none can be the last before the read")
            lines.append("  (an acknowledged mutation certainly followed each, or it began after the read returned):")
            lines += producers.prefix(3).map { "    \($0)" }
            if producers.count > 3 { lines.append("    … and \(producers.count - 3) more") }
        }
        return TortureFinding(key: key, message: lines.joined(separator: "\n"),
                              operations: mayBeLast + [read] + producers.prefix(3))
    }

    private static func noFinalRead(_ key: String, _ acknowledged: [ClientOperation], _ lastReturn: Int64) -> TortureFinding {
        let last = acknowledged.first { $0.returnedAt == lastReturn }!
        return TortureFinding(
            key: key,
            message: "key \(Show.string(key)): no successful read after the last acknowledged mutation, \(last), "
                + "so whether it survived is unknown",
            operations: [last])
    }
}
