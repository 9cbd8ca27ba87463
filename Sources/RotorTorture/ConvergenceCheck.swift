/// Check 4: after the faults are healed, every replica holds the same state.
///
/// Client-visible checks only see the keys and moments the workload looked at; a replica that
/// applied a different entry, or skipped one, can hide from them. Equal applied indexes with
/// equal state digests say the replicas converged; equal indexes with different digests say they
/// diverged (the worst outcome), and different indexes say some replica had not caught up when
/// the runner asked, which also fails: the runner is expected to wait for catch-up first.
enum ConvergenceCheck {
    static let name = "replicas converge"

    static func run(_ digests: [Int: (appliedIndex: Int64, digest: UInt64)]?) -> CheckResult {
        guard let digests else {
            return CheckResult(name: name, status: .skipped, detail: "no replica digests were supplied")
        }
        let replicas = digests.keys.sorted()
        guard let first = replicas.first.map({ digests[$0]! }) else {
            return .judged(name, detail: "no replica reported", findings: [
                TortureFinding(key: nil, message: "no replica reported its applied index and digest"),
            ])
        }
        let states = replicas.map { "replica \($0) at \(digests[$0]!.appliedIndex) has \(hex(digests[$0]!.digest))" }
        let sameIndex = replicas.allSatisfy { digests[$0]!.appliedIndex == first.appliedIndex }
        let sameDigest = replicas.allSatisfy { digests[$0]!.digest == first.digest }
        if sameIndex && sameDigest {
            return .judged(name, detail: "\(replicas.count) replicas at applied index \(first.appliedIndex), digest \(hex(first.digest))",
                           findings: [])
        }
        let headline = sameIndex
            ? "the replicas diverged: same applied index, different state digests"
            : "the replicas did not converge: different applied indexes"
        return .judged(name, detail: "\(replicas.count) replicas", findings: [
            TortureFinding(key: nil, message: ([headline] + states.map { "  " + $0 }).joined(separator: "\n")),
        ])
    }

    private static func hex(_ digest: UInt64) -> String {
        let digits = String(digest, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
