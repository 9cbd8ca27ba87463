extension TortureReport {
    /// A human summary for the terminal: the verdict, what the run did, then one line per
    /// check (✔ passed, ✘ failed, ? inconclusive, – skipped) with its findings indented below.
    /// At most `maxFindingsPerCheck` findings are printed per check; the rest are counted.
    public func summary(maxFindingsPerCheck: Int = 10) -> String {
        var lines = [passed ? "torture verdict: PASS" : "torture verdict: FAIL"]
        lines += countLines()
        for check in checks {
            lines.append("\(Self.mark(check.status)) \(check.name): \(Self.statusWord(check.status))\(check.detail)")
            for finding in check.findings.prefix(maxFindingsPerCheck) {
                lines += finding.message.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            }
            if check.findings.count > maxFindingsPerCheck {
                lines.append("    … and \(check.findings.count - maxFindingsPerCheck) more")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func countLines() -> [String] {
        var lines = ["operations: " + Self.tally(counts.total)]
        for function in HistoryFunction.allCases {
            guard let tally = counts.byFunction[function] else { continue }
            let label = function.rawValue + ":"
            let padding = String(repeating: " ", count: max(1, 12 - label.count))
            lines.append("  " + label + padding + Self.tally(tally))
        }
        lines.append("nemesis: \(counts.nemesisEvents) events, \(counts.faultsInjected) faults injected (kill, pause, partition, wipe)")
        if let throughput { lines += throughput.lines() }
        return lines
    }

    private static func tally(_ tally: OperationCounts.Tally) -> String {
        var text = "\(tally.invoked) invoked, \(tally.ok) ok, \(tally.fail) fail, \(tally.info) info"
        if tally.unanswered > 0 { text += ", \(tally.unanswered) unanswered" }
        return text
    }

    private static func mark(_ status: CheckResult.Status) -> String {
        switch status {
        case .passed: return "✔"
        case .failed: return "✘"
        case .inconclusive: return "?"
        case .skipped: return "–"
        }
    }

    private static func statusWord(_ status: CheckResult.Status) -> String {
        switch status {
        case .passed: return ""
        case .failed: return "FAILED, "
        case .inconclusive: return "INCONCLUSIVE (fails the run), "
        case .skipped: return "skipped, "
        }
    }
}
