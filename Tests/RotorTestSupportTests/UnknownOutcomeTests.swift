import RotorModel
import RotorTestSupport
import Testing

/// Operations whose outcome the client never learned (Jepsen's `info`) may take effect at any
/// point after their invocation, or never; `fail`ed operations never took effect.
@Suite struct UnknownOutcomeTests {
    let lost = unknown(.write(bytes("b")), at: 20, process: 1)

    @Test func anUnknownWriteMayHaveHappened() {
        #expect(check([write("a", 0...10), lost, read("b", 40...50)]) == .linearizable)
    }

    @Test func anUnknownWriteMayNotHaveHappened() {
        #expect(check([write("a", 0...10), lost, read("a", 40...50)]) == .linearizable)
    }

    @Test func anUnknownWriteMayLandLongAfterTheClientGaveUp() {
        let history = [write("a", 0...10), lost, read("a", 40...50), read("a", 60...70), read("b", 1_000...1_010)]
        #expect(check(history) == .linearizable)
    }

    @Test func anUnknownWriteCannotBeUndone() {
        // Seen, then not seen, with no other write that could restore "a".
        let history = [write("a", 0...10), lost, read("b", 40...50), read("a", 60...70)]
        let violation = check(history).violation
        #expect(violation != nil)
        #expect(violation?.stuck.first?.operation == history[3])
    }

    @Test func anUnknownWriteCannotTakeEffectBeforeItWasInvoked() {
        #expect(check([write("a", 0...10), read("b", 12...18), lost]).violation != nil)
    }

    @Test func anUnknownWriteTakesEffectAtMostOnce() {
        let history = [lost, read("b", 30...40), write("c", 50...60), read("b", 70...80)]
        #expect(check(history).violation != nil)
    }

    @Test func anUnknownCompareAndSetStillCompares() {
        let maybeSwap = unknown(.compareAndSet(expected: bytes("a"), new: bytes("b")), at: 20)
        #expect(check([write("a", 0...10), maybeSwap, read("b", 40...50)]) == .linearizable)
        #expect(check([write("x", 0...10), maybeSwap, read("b", 40...50)]).violation != nil)
    }

    @Test func anUnknownDeleteMayHaveHappened() {
        let maybeDelete = unknown(.delete, at: 20)
        #expect(check([write("a", 0...10), maybeDelete, read(nil, 40...50)]) == .linearizable)
        #expect(check([write("a", 0...10), maybeDelete, read("a", 40...50)]) == .linearizable)
        #expect(check([write("a", 0...10), maybeDelete, read(nil, 40...50), read("a", 60...70)]).violation != nil)
    }

    @Test func unknownReadsAreIgnored() {
        let history = [write("a", 0...10), unknown(.read, at: 20)]
        #expect(check(history) == .linearizable)
    }

    @Test func aChainOfUnknownOperationsCanExplainARead() {
        let history = [
            write("a", 0...10),
            unknown(.write(bytes("b")), at: 20, process: 1),
            unknown(.compareAndSet(expected: bytes("b"), new: bytes("c")), at: 30, process: 2),
            read("c", 40...50),
        ]
        #expect(check(history) == .linearizable)
    }

    @Test func manyPendingUnknownWritesStayCheap() {
        // Forty writes that never returned, all still pending, and reads that saw some of them.
        var history = [write("w0", 0...5)]
        for index in 1...40 {
            history.append(unknown(.write(bytes("w\(index)")), at: Int64(index), process: index))
        }
        for (step, seen) in [3, 17, 17, 40, 8, 29].enumerated() {
            let start = Int64(100 + step * 10)
            history.append(read("w\(seen)", start...(start + 5), process: 100))
        }
        #expect(check(history) == .linearizable)
        history.append(read("w999", 200...205, process: 100))
        #expect(check(history).violation != nil)
    }

    @Test func failedOperationsAreIgnored() {
        let history = [
            write("a", 0...10),
            failed(.write(bytes("b")), 20...30, process: 1),
            failed(.delete, 20...30, process: 2),
            failed(.read, 20...30, process: 3),
        ]
        #expect(check(history + [read("a", 40...50)]) == .linearizable)
        #expect(check(history + [read("b", 40...50)]).violation != nil)
        #expect(check(history + [read(nil, 40...50)]).violation != nil)
    }
}
