import RotorModel
import RotorTestSupport
import Testing

/// Not a benchmark, but a guard that realistic histories are decided rather than given up on.
@Suite struct ScaleTests {
    @Test func tenThousandOperationsOnFiveKeysAreDecided() {
        var generator = AtomicHistoryGenerator()
        generator.keys = 5
        generator.processes = 8
        generator.operations = 10_000
        let history = generator.generate(seed: 2_024)
        let start = ContinuousClock.now
        let verdict = LinearizabilityChecker().check(history)
        let elapsed = ContinuousClock.now - start
        print("linearizability check: \(history.count) operations, 5 keys, 8 processes: \(verdict) in \(elapsed)")
        #expect(verdict == .linearizable)
    }
}
