import RotorTorture
import Testing

/// A plausible run of a correct cluster (concurrency, unknown outcomes, failed compare-and-sets,
/// faults) passes every check, and the counts describe it.
@Suite struct ValidHistoryTests {
    /// Three clients (processes c, c+3, …), two keys, a final read of each by p9.
    static func run(finalK2: String?) -> HistoryBuilder {
        var history = HistoryBuilder()
        history.nemesis(.start, nil, at: 0)
        history.write("v0-1", 1...10, process: 0)
        // Times out; its client continues as p4. It did take effect: p2 sees it.
        history.write("v1-1", 5...30, process: 1, .info)
        history.read("v1-1", 12...20, process: 2)
        history.nemesis(.kill, "replica 2", at: 22)
        history.cas("v1-1", "v0-2", 25...40, process: 0)
        history.read("v0-2", 45...50, process: 4, local: true)
        history.read("v0-2", 45...55, process: 0, local: true)
        history.cas("v-none", "v2-1", 50...60, process: 2, .fail)
        history.delete(60...70, process: 4, key: "k2")
        history.read(nil, 72...78, process: 4, key: "k2", local: true)
        history.nemesis(.partition, "isolate [0] from [1,2]", at: 75)
        // Never answered: may land at any time after 80.
        history.write("v1-2", 80...80, process: 4, key: "k2", nil)
        history.read("v0-2", 85...95, process: 0)
        history.nemesis(.heal, nil, at: 150)
        history.nemesis(.restart, "replica 2", at: 160)
        history.nemesis(.stop, nil, at: 190)
        history.read("v0-2", 200...210, process: 9)
        history.read(finalK2, 220...230, process: 9, key: "k2")
        return history
    }

    static let converged: [Int: (appliedIndex: Int64, digest: UInt64)] = [
        0: (41, 0x5c1e_07a2_0000_0001), 1: (41, 0x5c1e_07a2_0000_0001), 2: (41, 0x5c1e_07a2_0000_0001),
    ]

    @Test(arguments: ["v1-2", nil])
    func aConcurrentHistoryWithUnknownOutcomesPassesEveryCheck(finalK2: String?) {
        let report = verdict(Self.run(finalK2: finalK2), digests: Self.converged)
        for check in report.checks {
            #expect(check.status == .passed, "\(check.name): \(check.findings)")
        }
        #expect(report.passed)
        #expect(report.summary().hasPrefix("torture verdict: PASS"))
    }

    @Test func theCountsDescribeTheRun() {
        let counts = verdict(Self.run(finalK2: nil)).counts
        #expect(counts.total.invoked == 13)
        #expect(counts.total.ok == 10)
        #expect(counts.total.fail == 1)
        #expect(counts.total.info == 1)
        #expect(counts.total.unanswered == 1)
        #expect(counts.byFunction[.write]?.invoked == 3)
        #expect(counts.byFunction[.readLocal]?.ok == 3)
        #expect(counts.byFunction[.cas]?.fail == 1)
        #expect(counts.nemesisEvents == 6)
        #expect(counts.faultsInjected == 2)
    }

    @Test func theSummaryHasOneLinePerCheck() {
        let summary = verdict(Self.run(finalK2: nil)).summary()
        #expect(summary.contains("operations: 13 invoked, 10 ok, 1 fail, 1 info, 1 unanswered"))
        #expect(summary.contains("nemesis: 6 events, 2 faults injected"))
        #expect(summary.contains("✔ history well-formed: "))
        #expect(summary.contains("✔ linearizability: 10 operations on 2 keys (3 read-local operations are checked separately)"))
        #expect(summary.contains("✔ no lost acknowledged write: 2 keys with acknowledged mutations, 3 final reads"))
        #expect(summary.contains("✔ read-local sees own writes: "))
        #expect(summary.contains("– replicas converge: skipped, no replica digests were supplied"))
    }
}
