import RotorConsensus
import RotorModel
import RotorSimulation
import RotorTestSupport
import Testing

/// Stories of the protocol, each a few lines over the deterministic simulator.
@Suite struct ScenarioTests {
    func cluster(_ replicas: Int = 3, seed: UInt64 = 1) -> Simulation {
        var options = SimulationOptions()
        options.replicaCount = replicas
        let simulation = Simulation(seed: seed, options: options)
        simulation.run(until: { $0.servingLeader != nil }, timeout: VirtualTime.seconds(2))
        return simulation
    }

    @Test func aNewClusterServesReadsAndWrites() {
        let sim = cluster()
        #expect(sim.perform(.put("a", "1")) == .ok(.write))
        #expect(sim.perform(.get("a")) == .ok(.read(Bytes(utf8: "1"))))
        #expect(sim.violations.isEmpty)
    }
}
