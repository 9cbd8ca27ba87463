import RotorTorture
import Testing

/// Replica digests after the heal: equal passes, different fails, absent skips.
@Suite struct ConvergenceTests {
    private func convergence(_ digests: [Int: (appliedIndex: Int64, digest: UInt64)]?) -> CheckResult {
        verdict(HistoryBuilder(), digests: digests).convergence
    }

    @Test func equalDigestsPass() {
        let result = convergence([0: (9, 0xabc), 1: (9, 0xabc), 2: (9, 0xabc)])
        #expect(result.status == .passed)
        #expect(result.detail == "3 replicas at applied index 9, digest 0x0000000000000abc")
    }

    @Test func differentDigestsAtTheSameIndexAreReportedAsDivergence() {
        let result = convergence([0: (9, 0xabc), 1: (9, 0xdef), 2: (9, 0xabc)])
        #expect(result.status == .failed)
        let message = result.findings.first?.message ?? ""
        #expect(message.contains("diverged"))
        #expect(message.contains("replica 1 at 9 has 0x0000000000000def"))
    }

    @Test func differentAppliedIndexesAreReported() {
        let result = convergence([0: (9, 0xabc), 1: (8, 0xabc)])
        #expect(result.status == .failed)
        #expect(result.findings.first?.message.contains("did not converge") == true)
    }

    @Test func noDigestsSkipTheCheckButAnEmptySetFailsIt() {
        #expect(convergence(nil).status == .skipped)
        #expect(verdict(HistoryBuilder()).passed)
        #expect(convergence([:]).status == .failed)
    }
}
