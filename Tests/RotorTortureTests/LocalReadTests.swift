import RotorTorture
import Testing

/// LOCAL reads with min_index: stale with respect to others is allowed, older than one's own
/// acknowledged write is not.
@Suite struct LocalReadTests {
    @Test func aLocalReadOlderThanItsOwnClientsWriteIsReported() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0)
        history.write("v2", 20...30, process: 0)
        history.read("v1", 40...50, process: 0, local: true)
        history.read("v2", 60...70, process: 5)
        let report = verdict(history, clients: 2)

        #expect(report.localReads.status == .failed)
        let finding = report.localReads.findings.first
        #expect(finding?.key == "k")
        #expect(finding?.message.contains("p0 read-local(\"k\") → \"v1\" [40, 50] ok is older than its own client's acknowledged p0 write(\"k\", \"v2\") [20, 30] ok") == true)
        #expect(names(finding?.operations ?? [], process: 0, .readLocal))
        // LOCAL reads are not linearizability operations, and the other checks pass.
        #expect(report.linearizability.status == .passed)
        #expect(report.acknowledgedWrites.status == .passed)
        #expect(!report.passed)
    }

    @Test func aNewerConcurrentValueFromAnotherClientPasses() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0)
        history.write("other", 5...60, process: 1)
        history.read("other", 20...30, process: 0, local: true)
        history.read("other", 70...80, process: 5)
        let report = verdict(history, clients: 2)
        #expect(report.localReads.status == .passed)
        #expect(report.passed)
    }

    @Test func aValueWrittenBeforeTheOwnWriteBeganIsOlder() {
        var history = HistoryBuilder()
        history.write("old", 0...5, process: 1)
        history.write("mine", 10...20, process: 0)
        history.read("old", 30...40, process: 0, local: true)
        let report = verdict(history, clients: 2)
        #expect(report.localReads.status == .failed)
        #expect(report.localReads.findings.first?.message.contains("p1 write(\"k\", \"old\") [0, 5] ok") == true)
    }

    @Test func staleReadsOfOtherClientsWritesAreAllowed() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 1)
        history.write("v2", 20...30, process: 1)
        // Client 0 wrote nothing: LOCAL reads may be arbitrarily stale for it.
        history.read(nil, 40...50, process: 0, local: true)
        history.read("v1", 60...70, process: 0, local: true)
        #expect(verdict(history, clients: 2).localReads.status == .passed)
    }

    @Test func aLaterProcessOfTheSameClientStillSeesTheClientsWrites() {
        // Two clients: p0 and p2 are client 0.
        func history(seen: String?) -> HistoryBuilder {
            var history = HistoryBuilder()
            history.write("v1", 0...10, process: 0)
            history.write("v2", 20...30, process: 0, .info)
            history.read(seen, 40...50, process: 2, local: true)
            return history
        }
        #expect(verdict(history(seen: "v1"), clients: 2).localReads.status == .passed)
        #expect(verdict(history(seen: "v2"), clients: 2).localReads.status == .passed)
        let stale = verdict(history(seen: nil), clients: 2).localReads
        #expect(stale.status == .failed)
        #expect(stale.findings.first?.message.contains("p2 read-local(\"k\") → absent") == true)
        // With three clients p2 is someone else, and the read is unconstrained.
        #expect(verdict(history(seen: nil), clients: 3).localReads.status == .passed)
    }

    @Test func afterItsOwnDeleteAClientMustSeeTheKeyAbsentOrNewer() {
        var history = HistoryBuilder()
        history.write("v1", 0...10, process: 0)
        history.delete(20...30, process: 0)
        history.read("v1", 40...50, process: 0, local: true)
        #expect(verdict(history, clients: 1).localReads.status == .failed)
    }
}
