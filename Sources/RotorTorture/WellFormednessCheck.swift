/// Check 0: the history obeys its own rules (see `PairedHistory`). Listed first in the report
/// because every other check trusts the pairing.
enum WellFormednessCheck {
    static let name = "history well-formed"

    static func run(_ history: PairedHistory) -> CheckResult {
        let detail = "\(history.clientEventCount) client events, \(history.operations.count) operations "
            + "by \(history.processCount) processes, \(history.nemesis.count) nemesis events"
        return .judged(name, detail: detail, findings: history.problems)
    }
}
