import RotorModel
import RotorTestSupport
import Testing

/// Per-key independence, determinism, malformed input, budgets and the `History` recorder.
@Suite struct CheckerContractTests {
    @Test func keysAreCheckedIndependently() {
        let history = [
            write("a", 0...10, key: "A"),
            write("b", 0...10, key: "B"),
            read("a", 20...30, key: "A"),
            // "a" was written, but to another key.
            read("a", 20...30, key: "B"),
        ]
        let violation = check(history).violation
        #expect(violation?.key == bytes("B"))
        #expect(violation?.stuck.first?.operation == history[3])
        #expect(check(Array(history.dropLast())) == .linearizable)
    }

    @Test func theFirstViolatingKeyInByteOrderIsReported() {
        let history = [
            write("a", 0...10, key: "z"), read(nil, 20...30, key: "z"),
            write("a", 0...10, key: "m"), read(nil, 20...30, key: "m"),
            write("a", 0...10, key: "q"), read("a", 20...30, key: "q"),
        ]
        #expect(check(history).violation?.key == bytes("m"))
        #expect(check(history.reversed()).violation?.key == bytes("m"))
    }

    @Test func malformedHistoriesAreInconclusive() {
        let noReturn = HistoryOperation(process: 0, key: bytes("k"), kind: .read, invokedAt: 0,
                                        outcome: .ok(.read(nil)), returnedAt: nil)
        let backwards = read(nil, 0...0).with { $0.invokedAt = 5 }
        let mismatched = operation(.write(bytes("a")), .ok(.read(nil)), 0...1, process: 0, key: "k")
        for bad in [noReturn, backwards, mismatched] {
            guard case .inconclusive(let reason) = check([bad]) else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(reason.hasPrefix("malformed history"))
        }
    }

    @Test func anExhaustedBudgetIsInconclusiveNotAPass() {
        var history: [HistoryOperation] = []
        for index in 0..<50 {
            let start = Int64(index * 10)
            history.append(write("\(index)", start...(start + 3)))
            history.append(read("\(index)", (start + 4)...(start + 7)))
        }
        let tight = LinearizabilityChecker().check(history, budget: CheckBudget(maxStepsPerKey: 20))
        guard case .inconclusive(let reason) = tight else {
            Issue.record("expected inconclusive, got \(tight)")
            return
        }
        #expect(reason.contains("step budget"))
        #expect(LinearizabilityChecker().check(history) == .linearizable)
        // A violation on another key still wins over an undecided one.
        let withViolation = history + [write("a", 0...1, key: "other"), read("b", 2...3, key: "other")]
        #expect(LinearizabilityChecker().check(withViolation, budget: CheckBudget(maxStepsPerKey: 20)).violation?.key
                == bytes("other"))
    }

    @Test func aTimeLimitIsHonoured() {
        var history: [HistoryOperation] = []
        for index in 0..<200 {
            history.append(write("\(index)", 0...1_000, process: index))
        }
        history.append(read("never", 2_000...2_001))
        let start = ContinuousClock.now
        let verdict = LinearizabilityChecker().check(
            history, budget: CheckBudget(maxStepsPerKey: .max, timeLimit: .milliseconds(200)))
        #expect(ContinuousClock.now - start < .seconds(3))
        // Either it proved the violation quickly or it stopped at the limit; it never hangs.
        if case .inconclusive(let reason) = verdict {
            #expect(reason.contains("time limit"))
        } else {
            #expect(verdict.violation != nil)
        }
    }

    @Test func theRecorderProducesCheckableHistories() {
        var history = History()
        let first = history.invoke(process: 1, key: bytes("k"), .write(bytes("a")), at: 0)
        let second = history.invoke(process: 2, key: bytes("k"), .read, at: 5)
        let crashed = history.invoke(process: 3, key: bytes("k"), .write(bytes("b")), at: 6)
        let rejected = history.invoke(process: 4, key: bytes("k"), .delete, at: 7)
        history.complete(first, .ok(.write), at: 10)
        history.complete(second, .ok(.read(bytes("b"))), at: 20)
        history.complete(rejected, .fail, at: 21)
        #expect(history.count == 4)
        #expect(history.operations[crashed.rawValue].outcome == .unknown)
        #expect(history.operations[crashed.rawValue].returnedAt == nil)
        #expect(history.operations[first.rawValue].returnedAt == 10)
        // The read saw the crashed client's write: it must have landed.
        #expect(LinearizabilityChecker().check(history.operations) == .linearizable)

        // Nothing can make the key absent again: the delete was rejected.
        let later = history.invoke(process: 2, key: bytes("k"), .read, at: 30)
        history.complete(later, .ok(.read(nil)), at: 40)
        #expect(LinearizabilityChecker().check(history.operations).violation != nil)
    }

    @Test func operationsDescribeThemselves() {
        #expect(write("a", 1...2, process: 3).description == #"p3 write("a") [1, 2]"#)
        #expect(cas(nil, "b", succeeded: false, 1...2).description == #"p0 cas(absent → "b") → failed [1, 2]"#)
        #expect(delete(existed: true, 1...2).description == "p0 delete → existed [1, 2]")
        #expect(unknown(.write([0, 255]), at: 7).description == "p0 write(0x00ff) [7, ∞) outcome unknown")
    }
}

extension HistoryOperation {
    func with(_ change: (inout HistoryOperation) -> Void) -> HistoryOperation {
        var copy = self
        change(&copy)
        return copy
    }
}
