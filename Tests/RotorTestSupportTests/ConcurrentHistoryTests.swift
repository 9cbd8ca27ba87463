import RotorModel
import RotorTestSupport
import Testing

/// Overlapping operations may take effect in either order; real-time order still binds the rest.
@Suite struct ConcurrentHistoryTests {
    @Test func aReadOverlappingAWriteMaySeeEitherValue() {
        let before = write("a", 0...10, process: 0)
        let during = write("b", 20...60, process: 0)
        #expect(check([before, during, read("a", 30...50, process: 1)]) == .linearizable)
        #expect(check([before, during, read("b", 30...50, process: 1)]) == .linearizable)
        #expect(check([before, during, read("c", 30...50, process: 1)]).violation != nil)
    }

    @Test func concurrentWritesMayLandInEitherOrderButOnlyOne() {
        let writes = [write("a", 0...50, process: 0), write("b", 10...40, process: 1)]
        #expect(check(writes + [read("a", 60...70, process: 2)]) == .linearizable)
        #expect(check(writes + [read("b", 60...70, process: 2)]) == .linearizable)
        // Once both have returned, the value cannot flip back and forth.
        #expect(check(writes + [read("a", 60...70, process: 2), read("b", 80...90, process: 2)]).violation != nil)
        #expect(check(writes + [read("b", 60...70, process: 2), read("a", 80...90, process: 2)]).violation != nil)
    }

    @Test func aViolationFoundBySearchReportsTheLongestPrefix() {
        // No single overwrite is certainly between a write and a read here; only trying both
        // orders of the concurrent writes shows that neither works.
        let first = write("a", 0...50, process: 0), second = write("b", 10...40, process: 1)
        let readA = read("a", 60...70, process: 2), readB = read("b", 80...90, process: 2)
        let violation = try! #require(check([first, second, readA, readB]).violation)
        let prefix = try! #require(violation.prefix)
        #expect(prefix.count == 3)
        #expect(prefix.tail == [second, first, readA])
        #expect(prefix.valueAfter == bytes("a"))
        #expect(violation.stuck.map(\.operation) == [readB])
        #expect(violation.stuck.first?.reason == #"read saw "b" but the register holds "a""#)
        #expect(violation.description.contains("longest linearizable prefix: 3 operations:"))
        print(violation)
    }

    @Test func readsDuringAWriteCannotSeeItThenUnseeIt() {
        let history = [
            write("a", 0...10, process: 0),
            write("b", 20...100, process: 0),
            read("b", 30...40, process: 1),
            read("a", 50...60, process: 2),
        ]
        #expect(check(history).violation != nil)
    }

    @Test func onlyOneConcurrentCreateCanWin() {
        let both = [cas(nil, "x", succeeded: true, 0...10, process: 0), cas(nil, "y", succeeded: true, 5...15, process: 1)]
        #expect(check(both).violation != nil)
        let oneWins = [cas(nil, "x", succeeded: false, 0...10, process: 0), cas(nil, "y", succeeded: true, 5...15, process: 1)]
        #expect(check(oneWins + [read("y", 20...30)]) == .linearizable)
        #expect(check(oneWins + [read("x", 20...30)]).violation != nil)
    }

    @Test func touchingIntervalsCountAsConcurrent() {
        // The read is invoked at the instant the write returned: ties never create a violation.
        #expect(check([write("a", 0...10), read(nil, 10...20, process: 1)]) == .linearizable)
        #expect(check([write("a", 0...10), read(nil, 11...20, process: 1)]).violation != nil)
    }

    @Test func manyConcurrentIncrementsByCompareAndSet() {
        // Eight clients race to advance a counter with CAS; every success must chain off the last.
        var history = [write("0", 0...1)]
        for process in 0..<8 {
            history.append(cas("\(process)", "\(process + 1)", succeeded: true, 10...100, process: process))
        }
        history.append(read("8", 200...210))
        #expect(check(history) == .linearizable)
        history.append(cas("8", "9", succeeded: false, 300...310))
        #expect(check(history).violation != nil)
    }
}
