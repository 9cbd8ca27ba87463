import RotorModel
import RotorTestSupport
import Testing

/// Histories without concurrency: every operation returns before the next is invoked, so the only
/// candidate order is real-time order and these pin down the register semantics.
@Suite struct SequentialHistoryTests {
    @Test func aCorrectSequentialHistoryIsLinearizable() {
        let history = [
            read(nil, 0...1),
            write("a", 2...3),
            read("a", 4...5),
            cas("a", "b", succeeded: true, 6...7),
            cas("a", "c", succeeded: false, 8...9),
            read("b", 10...11),
            delete(existed: true, 12...13),
            delete(existed: false, 14...15),
            read(nil, 16...17),
            cas(nil, "d", succeeded: true, 18...19),
            cas(nil, "e", succeeded: false, 20...21),
            delete(existed: nil, 22...23),
            read(nil, 24...25),
        ]
        #expect(check(history) == .linearizable)
    }

    @Test func staleReadAfterACompletedWriteIsAViolation() {
        let verdict = check([write("a", 0...10), write("b", 20...30), read("a", 40...50)])
        #expect(verdict.violation?.key == bytes("k"))
    }

    @Test func readingAValueNeverWrittenIsAViolation() {
        let verdict = check([write("a", 0...10), read("z", 20...30)])
        #expect(verdict.violation != nil)
        #expect(verdict.violation?.stuck.first?.reason
                == #"needs the register to hold "z", but no operation in the history ever puts it there"#)
    }

    @Test func losingAnAcknowledgedWriteIsAViolation() {
        // The write was acknowledged; a later read sees the value from before it.
        #expect(check([write("old", 0...10), write("new", 20...30), read("old", 40...50)]).violation != nil)
        #expect(check([write("new", 0...10), read(nil, 20...30)]).violation != nil)
        #expect(check([write("new", 0...10), read("new", 20...30)]) == .linearizable)
    }

    @Test func compareAndSetMustAgreeWithTheCurrentValue() {
        // Succeeded although the register held something else.
        #expect(check([write("a", 0...1), cas("b", "c", succeeded: true, 2...3)]).violation != nil)
        // Failed although the register held exactly the expected value.
        #expect(check([write("a", 0...1), cas("a", "c", succeeded: false, 2...3)]).violation != nil)
        // "Only if absent" on a present key.
        #expect(check([write("a", 0...1), cas(nil, "c", succeeded: true, 2...3)]).violation != nil)
        // A failed compare changes nothing.
        #expect(check([write("a", 0...1), cas("x", "c", succeeded: false, 2...3), read("c", 4...5)]).violation != nil)
        #expect(check([write("a", 0...1), cas("x", "c", succeeded: false, 2...3), read("a", 4...5)]) == .linearizable)
    }

    @Test func aReadAfterADeleteMustNotSeeTheOldValue() {
        #expect(check([write("a", 0...1), delete(existed: true, 2...3), read("a", 4...5)]).violation != nil)
        #expect(check([write("a", 0...1), delete(existed: true, 2...3), read(nil, 4...5)]) == .linearizable)
    }

    @Test func deleteMustReportWhetherTheKeyExisted() {
        #expect(check([delete(existed: true, 0...1)]).violation != nil)
        #expect(check([write("a", 0...1), delete(existed: false, 2...3)]).violation != nil)
        #expect(check([delete(existed: nil, 0...1), write("a", 2...3), delete(existed: nil, 4...5)]) == .linearizable)
    }

    @Test func theClassicStaleReadIsExplained() {
        let staleRead = read("1", 40...50, process: 2)
        let verdict = check([write("1", 0...10, process: 0), write("2", 20...30, process: 1), staleRead])
        let violation = try! #require(verdict.violation)
        #expect(violation.key == bytes("k"))
        #expect(violation.operationCount == 3)
        // Proven directly from the real-time order, no search needed.
        #expect(violation.prefix == nil)
        #expect(violation.stuck.map(\.operation) == [staleRead])
        #expect(violation.stuck.first?.reason == #"needs the register to hold "1", but p1 write("2") [20, 30] "#
                + #"certainly replaced it after its last possible writer, p0 write("1") [0, 10], and before this began"#)
        let report = violation.description
        #expect(report.contains(#"p2 read → "1" [40, 50]"#))
        print(report)
    }

    @Test func aStaleReadOfTheInitialValueIsExplained() {
        let violation = check([write("a", 0...10), read(nil, 20...30)]).violation
        #expect(violation?.stuck.first?.reason
                == #"needs the register to hold absent, but p0 write("a") [0, 10] certainly replaced it after the initial value, and before this began"#)
    }

    @Test func keysCanStartWithAValue() {
        let history = [read("seed", 0...1), write("a", 2...3)]
        #expect(check(history).violation != nil)
        #expect(check(history, initialValues: [bytes("k"): bytes("seed")]) == .linearizable)
    }
}
