import Dispatch
import Foundation
import RotorSimulation
import Testing

/// Randomized runs with every fault type. `ROTORKV_SIM_SEEDS=N` changes how
/// many (the soak: 100000); `ROTORKV_SIM_FIRST_SEED` where they start.
@Suite struct SimulationSweepTests {
    static let seedCount = Int(ProcessInfo.processInfo.environment["ROTORKV_SIM_SEEDS"] ?? "") ?? 500
    static let firstSeed = UInt64(ProcessInfo.processInfo.environment["ROTORKV_SIM_FIRST_SEED"] ?? "") ?? 1
    /// Seeds run in batches so the two cores share the work without 500 test cases of overhead.
    static let announceSeeds = ProcessInfo.processInfo.environment["ROTORKV_SIM_VERBOSE"] != nil
    static let batches = Array(0..<max(1, min(Self.seedCount, 16)))

    @Test(arguments: batches)
    func randomizedRunsKeepEveryInvariant(batch: Int) async {
        // CPU-bound work runs off Swift's cooperative pool, so that the
        // network tests running beside it are slowed, not starved.
        let failure = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.runBatch(batch)) }
        }
        if let failure { Issue.record(Comment(rawValue: failure.failureDescription)) }
    }

    static func runBatch(_ batch: Int) -> SimulationReport? {
        var seed = firstSeed + UInt64(batch)
        while seed < firstSeed + UInt64(seedCount) {
            // A protocol precondition stops the process; this names the seed that did it.
            if announceSeeds { print("simulating seed \(seed)") }
            let report = Simulation(seed: seed, options: SimulationOptions()).runRandomized()
            if !report.passed { return report }
            seed += UInt64(batches.count)
        }
        return nil
    }
}

/// Replays one seed: `ROTORKV_SIM_SEED=<seed> swift test --filter SimulationReplayTests`.
@Suite struct SimulationReplayTests {
    @Test func replaySeedFromEnvironment() throws {
        guard let text = ProcessInfo.processInfo.environment["ROTORKV_SIM_SEED"], let seed = UInt64(text) else { return }
        let simulation = Simulation(seed: seed, options: SimulationOptions())
        simulation.echoTrace = ProcessInfo.processInfo.environment["ROTORKV_SIM_VERBOSE"] != nil
        let report = simulation.runRandomized()
        print("seed \(seed): \(report.operations) operations (\(report.okCount) ok, \(report.failCount) fail, \(report.unknownCount) unknown), \(report.faultsInjected) faults, term \(report.termsReached)")
        #expect(report.passed, Comment(rawValue: report.failureDescription))
    }
}
