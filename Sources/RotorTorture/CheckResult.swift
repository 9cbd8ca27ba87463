/// The result of one check of the verdict. Each check is reported on its own, so a failed run
/// says which guarantee broke, not merely that something did.
public struct CheckResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// The history satisfies the property.
        case passed
        /// The history violates it; `findings` say where.
        case failed
        /// The check could not decide (the linearizability checker ran out of budget). This fails
        /// the run: a torture run must never pass without having been checked.
        case inconclusive
        /// Not checked, by request (for example no replica digests were supplied). Does not fail
        /// the run; the summary says so.
        case skipped
    }

    /// Short name, for example `linearizability`.
    public var name: String
    public var status: Status
    /// One line about what was checked (or why not): `1204 operations on 8 keys`.
    public var detail: String
    /// What is wrong; empty when passed or skipped.
    public var findings: [TortureFinding]

    public init(name: String, status: Status, detail: String, findings: [TortureFinding] = []) {
        self.name = name
        self.status = status
        self.detail = detail
        self.findings = findings
    }

    /// Passed, or failed with findings, depending on whether there are any.
    static func judged(_ name: String, detail: String, findings: [TortureFinding]) -> CheckResult {
        CheckResult(name: name, status: findings.isEmpty ? .passed : .failed, detail: detail, findings: findings)
    }

    /// Whether this result lets the run pass.
    public var isAcceptable: Bool { status == .passed || status == .skipped }
}
