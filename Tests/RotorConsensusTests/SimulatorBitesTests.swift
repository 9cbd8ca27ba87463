import Foundation
import RotorConsensus
import RotorSimulation
import Testing

/// A simulator that never fails proves nothing. Each deliberate protocol bug
/// must be caught within the normal seed budget.
@Suite struct SimulatorBitesTests {
    @Test(arguments: [UnsafeFault.ignoreMajorityLogs, .acknowledgeBeforePersist, .trustEmptyDisk, .majorityOfEmptyDisksStartsACluster])
    func aBrokenSafetyRuleIsCaught(_ fault: UnsafeFault) {
        var options = SimulationOptions()
        options.unsafeFault = fault
        for seed in UInt64(1)...200 {
            if ProcessInfo.processInfo.environment["ROTORKV_SIM_VERBOSE"] != nil { print("\(fault): seed \(seed)") }
            let report = Simulation(seed: seed, options: options).runRandomized()
            if !report.passed {
                print("\(fault) caught at seed \(seed): \(report.violations.first ?? "")")
                return
            }
        }
        Issue.record("\(fault) went unnoticed for 200 seeds")
    }
}

