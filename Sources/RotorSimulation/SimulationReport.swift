/// What one simulated run found.
public struct SimulationReport: Sendable {
    public var seed: UInt64
    public var violations: [String]
    public var operations: Int
    public var okCount: Int
    public var failCount: Int
    public var unknownCount: Int
    public var faultsInjected: Int
    public var termsReached: Int64
    /// The last notable events (faults, role changes), for debugging a failure.
    public var trace: [String]

    public var passed: Bool { violations.isEmpty }

    /// The one-line command that replays this run.
    public var replayCommand: String {
        "ROTORKV_SIM_SEED=\(seed) swift test --filter SimulationReplayTests"
    }

    /// A failure report a developer can act on.
    public var failureDescription: String {
        var lines = ["simulation seed \(seed) failed with \(violations.count) violation(s):"]
        lines += violations.prefix(10).map { "  - \($0)" }
        lines.append("replay with: \(replayCommand)")
        lines.append("last events:")
        lines += trace.suffix(40).map { "  \($0)" }
        return lines.joined(separator: "\n")
    }
}
