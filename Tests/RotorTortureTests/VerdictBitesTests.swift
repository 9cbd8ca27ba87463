import RotorTorture
import Testing

/// The verdict must catch what it exists to catch: a stale linearizable read and a lost
/// acknowledged write, each named by key, value and operation.
@Suite struct VerdictBitesTests {
    @Test func aStaleLinearizableReadIsAViolationNamingTheKeyAndOperations() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0, key: "k7")
        history.write("v2", 20...30, process: 1, key: "k7")
        // Starts after v2 was acknowledged, yet sees v1.
        history.read("v1", 40...50, process: 2, key: "k7")
        let report = verdict(history)

        #expect(!report.passed)
        #expect(report.linearizability.status == .failed)
        let finding = report.linearizability.findings.first
        #expect(finding?.key == "k7")
        #expect(finding?.message.contains("\"k7\"") == true)
        #expect(finding?.message.contains("p2 read → \"v1\" [40, 50]") == true)
        #expect(finding?.message.contains("p1 write(\"v2\") [20, 30]") == true)
        #expect(names(finding?.operations ?? [], process: 2, .read, key: "k7"))
        #expect(report.summary().contains("✘ linearizability: FAILED"))
    }

    @Test func theSameHistoryWithAFreshReadPasses() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0, key: "k7")
        history.write("v2", 20...30, process: 1, key: "k7")
        history.read("v2", 40...50, process: 2, key: "k7")
        let report = verdict(history)
        #expect(report.linearizability.status == .passed)
        #expect(report.acknowledgedWrites.status == .passed)
        #expect(report.passed)
    }

    @Test func aFinalReadShowingAnOverwrittenValueIsALostAcknowledgedWrite() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0, key: "k3")
        history.write("v2", 20...30, process: 1, key: "k3")
        history.nemesis(.kill, "replica 0", at: 35)
        history.nemesis(.restart, "replica 0", at: 60)
        history.read("v1", 100...110, process: 9, key: "k3")
        let report = verdict(history)

        #expect(report.acknowledgedWrites.status == .failed)
        let finding = report.acknowledgedWrites.findings.first
        #expect(finding?.key == "k3")
        #expect(finding?.message.contains("acknowledged write lost: p1 write(\"k3\", \"v2\") [20, 30] ok") == true)
        #expect(finding?.message.contains("saw \"v1\"") == true)
        #expect(names(finding?.operations ?? [], process: 1, .write, key: "k3"))
        #expect(report.linearizability.status == .failed)
        #expect(report.linearizability.findings.first?.key == "k3")
    }

    @Test func aFinalReadShowingNothingIsALostAcknowledgedWrite() {
        var history = HistoryBuilder()
        history.write("only", 0...10, process: 0, key: "k1")
        history.read(nil, 100...110, process: 5, key: "k1")
        let report = verdict(history)

        #expect(report.acknowledgedWrites.status == .failed)
        let finding = report.acknowledgedWrites.findings.first
        #expect(finding?.key == "k1")
        #expect(finding?.message.contains("write(\"k1\", \"only\")") == true)
        #expect(finding?.message.contains("saw absent") == true)
        #expect(report.linearizability.status == .failed)
    }

    @Test func aDeleteIsAnAcknowledgedMutationToo() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0)
        history.delete(20...30, process: 1)
        history.read("v1", 100...110, process: 5)
        #expect(verdict(history).acknowledgedWrites.findings.first?.message.contains("delete(\"k\") [20, 30] ok") == true)

        var fine = HistoryBuilder()
        fine.write("v1", 0...10, process: 0)
        fine.delete(20...30, process: 1)
        fine.read(nil, 100...110, process: 5)
        #expect(verdict(fine).passed)
    }

    @Test func anUnknownWriteInvokedEarlierMayLandLast() {
        // The simple rule "the final read shows the last acknowledged write" would cry wolf here.
        var history = HistoryBuilder()
        history.write("late", 0...5, process: 1, .info)
        history.write("v1", 10...20, process: 0)
        history.read("late", 100...110, process: 5)
        let report = verdict(history)
        #expect(report.acknowledgedWrites.status == .passed)
        #expect(report.linearizability.status == .passed)
    }

    @Test func aKeyWithAnAcknowledgedWriteButNoFinalReadFails() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0, key: "k4")
        history.read(nil, 100...110, process: 5, key: "k4", .info)
        let report = verdict(history)
        #expect(report.acknowledgedWrites.status == .failed)
        #expect(report.acknowledgedWrites.findings.first?.message.contains("no successful read") == true)
        #expect(report.acknowledgedWrites.findings.first?.key == "k4")
    }

    @Test func aCheckerThatGivesUpFailsTheRun() {
        var history = HistoryBuilder()
        for index in 0..<50 {
            let start = Int64(index * 10)
            history.write("\(index)", start...(start + 3), process: 0)
            history.read("\(index)", (start + 4)...(start + 7), process: 1)
        }
        let tight = TortureVerdict.check(events: history.events, clients: 2, finalDigests: nil,
                                         budget: .init(maxStepsPerKey: 20))
        #expect(tight.linearizability.status == .inconclusive)
        #expect(tight.linearizability.findings.first?.message.contains("gave up") == true)
        #expect(!tight.passed)
        #expect(tight.summary().contains("? linearizability: INCONCLUSIVE"))
        #expect(TortureVerdict.check(events: history.events, clients: 2, finalDigests: nil).passed)
    }
}
