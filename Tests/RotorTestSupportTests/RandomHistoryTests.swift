import RotorModel
import RotorTestSupport
import Testing

/// Histories recorded from a real atomic register must pass, whatever the interleaving; the same
/// histories with one read corrupted must fail, on the right key.
@Suite struct RandomHistoryTests {
    static let seeds: [UInt64] = Array(1...500)

    static func generator(seed: UInt64) -> AtomicHistoryGenerator {
        var random = SplitMix64(seed: seed ^ 0xA5A5_A5A5)
        var generator = AtomicHistoryGenerator()
        generator.keys = 1 + random.below(5)
        generator.processes = 2 + random.below(7)
        generator.operations = 50 + random.below(250)
        return generator
    }

    @Test func atomicRegisterHistoriesAreLinearizable() {
        for seed in Self.seeds {
            let history = Self.generator(seed: seed).generate(seed: seed)
            let verdict = LinearizabilityChecker().check(history)
            #expect(verdict == .linearizable, "seed \(seed): \(verdict)")
            if verdict != .linearizable { return }
        }
    }

    @Test func aReadOfAValueNeverWrittenIsAlwaysCaught() {
        for seed in Self.seeds {
            var history = Self.generator(seed: seed).generate(seed: seed)
            var random = SplitMix64(seed: seed &* 31)
            let reads = history.indices.filter {
                if case .ok(.read) = history[$0].outcome { return true }
                return false
            }
            guard !reads.isEmpty else { continue }
            let victim = reads[random.below(reads.count)]
            history[victim].outcome = .ok(.read(Bytes(utf8: "never written")))
            let violation = LinearizabilityChecker().check(history).violation
            #expect(violation?.key == history[victim].key, "seed \(seed): \(String(describing: violation))")
            #expect(violation?.stuck.contains { $0.operation == history[victim] } == true,
                    "seed \(seed): the corrupted read is not among the stuck operations")
            if violation == nil { return }
        }
    }

    @Test func subtlyCorruptedHistoriesAreAlwaysDecided() {
        // Swap what two successive reads of a key saw. Depending on the concurrent writes that may
        // or may not still be linearizable, and often no single overwrite proves it, so this drives
        // the search to refute whole histories. It must always reach a verdict.
        var violations = 0, searched = 0
        for seed in Self.seeds {
            var history = Self.generator(seed: seed).generate(seed: seed)
            let reads = history.indices.filter {
                if case .ok(.read) = history[$0].outcome { return true }
                return false
            }
            var random = SplitMix64(seed: seed &* 77)
            guard reads.count > 2 else { continue }
            let first = reads[random.below(reads.count - 1)]
            guard let second = reads.first(where: {
                $0 > first && history[$0].key == history[first].key && history[$0].outcome != history[first].outcome
            }) else { continue }
            (history[first].outcome, history[second].outcome) = (history[second].outcome, history[first].outcome)
            let verdict = LinearizabilityChecker().check(history, budget: CheckBudget(maxStepsPerKey: 200_000))
            if case .inconclusive = verdict {
                Issue.record("seed \(seed): \(verdict)")
                return
            }
            if let violation = verdict.violation {
                violations += 1
                if violation.prefix != nil { searched += 1 }
            }
        }
        #expect(violations > 200, "\(violations) violations")
        #expect(searched > 10, "only \(searched) violations needed the search")
        print("corrupted histories: \(violations) violations, \(searched) of them found by search")
    }

    @Test func aFlippedCompareAndSetResultIsCaught() {
        // A successful swap reported as failed (or the reverse) is always impossible in a
        // sequential history, so this exercises the search's backtracking with real values.
        var caught = 0
        var tried = 0
        for seed in Self.seeds.prefix(100) {
            var generator = Self.generator(seed: seed)
            generator.processes = 1
            generator.unknownPercent = 0
            generator.failPercent = 0
            var history = generator.generate(seed: seed)
            guard let victim = history.indices.first(where: {
                if case .ok(.compareAndSet) = history[$0].outcome { return true }
                return false
            }), case .ok(.compareAndSet(let succeeded)) = history[victim].outcome else { continue }
            tried += 1
            history[victim].outcome = .ok(.compareAndSet(succeeded: !succeeded))
            if LinearizabilityChecker().check(history).violation?.key == history[victim].key { caught += 1 }
        }
        #expect(tried > 50)
        #expect(caught == tried)
    }
}
