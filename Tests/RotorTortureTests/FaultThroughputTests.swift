import RotorTorture
import Testing

/// The per-fault throughput report (issue 11): rates inside each fault window against the healthy median.
@Suite struct FaultThroughputTests {
    static let second: Int64 = 1_000_000_000

    /// 10 reads a second, except during a partition from 10 s to 14 s: none
    /// in its first second (the election timeout), then 8 a second.
    static func history() -> HistoryBuilder {
        var history = HistoryBuilder()
        var process = 0
        func reads(from: Int64, to: Int64, perSecond: Int64) {
            var time = from * second
            while time < to * second {
                history.read(nil, time...(time + 1), process: process)
                process += 1
                time += second / perSecond
            }
        }
        reads(from: 0, to: 10, perSecond: 10)
        history.nemesis(.partition, "isolate [1] from [0, 2]", at: 10 * second)
        reads(from: 11, to: 14, perSecond: 8)
        history.nemesis(.heal, "partition healed", at: 14 * second)
        reads(from: 14, to: 20, perSecond: 10)
        return history
    }

    @Test func ratesDuringAFaultAreMeasuredAgainstTheHealthyMedian() {
        let throughput = FaultThroughput.measure(Self.history().events, settleAfter: Self.second)
        #expect(throughput.healthyOpsPerSecond == 10)
        let window = try! #require(throughput.windows.first)
        #expect(throughput.windows.count == 1)
        #expect(window.fault == "partition isolate [1] from [0, 2]")
        #expect(window.opsPerSecond == 6, "24 ok in 4 s")
        #expect(window.settledOpsPerSecond == 8, "24 ok in the 3 s after the election timeout")
    }

    @Test func theSummaryReportsEachFaultsShareOfTheHealthyRate() {
        let report = TortureVerdict.check(events: Self.history().events, clients: 1000, finalDigests: nil, electionTimeout: Self.second)
        let summary = report.summary()
        #expect(summary.contains("throughput: healthy median 10.0 ok ops/s"), "\(summary)")
        #expect(summary.contains("4.0 s partition isolate [1] from [0, 2]: 6.0 ops/s (60%), settled 8.0 ops/s (80%)"), "\(summary)")
        #expect(report.passed, "a reported figure, never a failed check")
    }

    @Test func aSettledRateBelowHalfIsFlagged() {
        var history = HistoryBuilder()
        for n in 0..<20 { history.read(nil, (Int64(n) * Self.second / 10)...(Int64(n) * Self.second / 10 + 1), process: n) }
        history.nemesis(.kill, "replica 0", at: 2 * Self.second)
        history.read(nil, (4 * Self.second)...(4 * Self.second + 1), process: 99)
        history.nemesis(.restart, "replica 0", at: 5 * Self.second)
        let lines = FaultThroughput.measure(history.events, settleAfter: Self.second).lines()
        #expect(lines.contains { $0.contains("kill replica 0") && $0.contains("below half") }, "\(lines)")
    }
}
