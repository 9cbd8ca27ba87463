import RotorTorture
import Testing

/// A history that breaks its own rules fails the run instead of being misread.
@Suite struct WellFormednessTests {
    @Test func aProcessThatCarriesOnAfterInfoIsReported() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0, .info)
        history.write("v2", 20...30, process: 0)
        let report = verdict(history)
        #expect(report.wellFormedness.status == .failed)
        #expect(report.wellFormedness.findings.first?.message.contains("after one of its operations ended in info") == true)
        #expect(!report.passed)
    }

    @Test func aCompletionWithoutAnInvocationIsReported() {
        let orphan = HistoryEvent(process: .client(3), type: .ok, function: .read, key: "k", value: .null, time: 5)
        let report = TortureVerdict.check(events: [orphan], clients: 1, finalDigests: nil)
        #expect(report.wellFormedness.findings.first?.message.contains("without an outstanding invocation of p3") == true)
    }

    @Test func aMismatchedCompletionAndAnInvalidEventAreReported() {
        var history = HistoryBuilder()
        history.events.append(HistoryEvent(process: .client(1), type: .invoke, function: .write, key: "a", value: .string("x"), time: 0))
        history.events.append(HistoryEvent(process: .client(1), type: .ok, function: .write, key: "b", value: .string("x"), time: 1))
        history.events.append(HistoryEvent(process: .client(2), type: .invoke, function: .write, key: "a", value: .null, time: 2))
        let findings = verdict(history).wellFormedness.findings.map(\.message)
        #expect(findings.count == 2)
        #expect(findings.first?.contains("does not match") == true)
        #expect(findings.last?.contains("a write's value must be the string written") == true)
    }
}
