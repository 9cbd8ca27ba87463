import RotorConsensus
import RotorModel
import RotorStateMachine
import RotorTestSupport

extension Simulation {
    /// A randomized run: clients and faults, then a heal; afterwards checks
    /// liveness (a write succeeds within `livenessBound` of the heal),
    /// convergence (equal digests), durability and linearizability.
    public func runRandomized() -> SimulationReport {
        if random.chance(0.3) { bringUpOneMachineAtATime() }
        addClients(options.clientCount, autonomous: true)
        clientsActive = true
        scheduleFaults(from: 0, until: options.faultDuration)
        run(until: options.faultDuration)
        healAll()
        healedAt = now
        run(until: options.faultDuration + options.healDuration)
        clientsActive = false
        guard monitor.violations.isEmpty else { return report() }
        let quiet = run(until: { sim in sim.clients.allSatisfy { $0.current == nil } }, timeout: options.clientTimeout + VirtualTime.seconds(1))
        if !quiet { monitor.violate("liveness: client operations still pending long after the heal", now) }
        checkLiveness()
        checkConvergence()
        checkProgressAfterConvergence()
        checkLinearizability()
        return report()
    }

    /// A share of worlds starts as an operator bringing a cluster up one
    /// machine at a time would: every replica declared new, one of them cut
    /// off from boot for a while, so that the others start the cluster
    /// without it. Later wipes then meet an empty disk that never held
    /// anything beside a lost one (issue 11's bootstrap story).
    private func bringUpOneMachineAtATime() {
        for id in 0..<options.replicaCount {
            initialClusterStates[id] = .new
            replicas[id].crash()
            start(id)
        }
        nextFaultID += 1
        let late = Int(random.next() % UInt64(options.replicaCount))
        let isolation = random.between(VirtualTime.seconds(2)...VirtualTime.seconds(6))
        perform(.partition(id: nextFaultID, isolating: [late], oneWay: false, lasting: isolation))
        note("bring-up one machine at a time: all declared new, replica \(late) cut off from boot")
        // Meanwhile the others crash and lose disks: the late replica's empty
        // disk then meets a lost one while the only copy is down.
        var time = random.between(VirtualTime.milliseconds(300)...VirtualTime.milliseconds(800))
        while time < isolation {
            let victim = random.pick((0..<options.replicaCount).filter { $0 != late })
            let lasting = random.between(VirtualTime.milliseconds(300)...VirtualTime.milliseconds(3000))
            scheduler.schedule(.fault(random.chance(0.5) ? .wipe(replica: victim, restartAfter: lasting)
                                                        : .crash(replica: victim, restartAfter: lasting)), at: time)
            time += random.between(VirtualTime.milliseconds(200)...VirtualTime.milliseconds(900))
        }
    }

    private func checkLiveness() {
        guard let healedAt else { return }
        if let first = firstWriteAfterHeal {
            if first - healedAt > options.livenessBound {
                monitor.violate("liveness: the first write after the heal took \(Double(first - healedAt) / 1e9) s (bound \(Double(options.livenessBound) / 1e9) s)", now)
            }
        } else {
            monitor.violate("liveness: no write succeeded after the heal", now)
        }
    }

    /// After the heal every replica must reach the same commit index and state digest.
    private func checkConvergence() {
        let converged = run(until: { $0.converged }, timeout: VirtualTime.seconds(5))
        if !converged {
            let states = (0..<options.replicaCount).map { id -> String in
                guard let core = core(id) else { return "\(id): down" }
                return "\(id): term \(core.term) \(core.role) commit \(core.commitIndex) applied \(machine(id).appliedIndex) digest \(machine(id).digest())"
            }
            monitor.violate("convergence: replicas differ after the heal: \(states.joined(separator: "; "))", now)
        }
        var logs: [Int: (baseIndex: LogIndex, entries: [LogEntry])] = [:]
        for id in 0..<options.replicaCount {
            guard let core = core(id) else { continue }
            logs[id] = (core.logBaseIndex, Array(core.logEntries.prefix(Int(core.commitIndex - core.logBaseIndex))))
        }
        monitor.checkFinalLogs(logs, time: now)
    }

    /// Every replica up, in the same term, with equal commit and applied indexes and digests.
    public var converged: Bool {
        let cores = (0..<options.replicaCount).compactMap { core($0) }
        guard cores.count == options.replicaCount, let first = cores.first else { return false }
        let digest = machine(0).digest()
        // Quiet too: every log wholly committed (a term that just opened has its no-op still in flight).
        return cores.allSatisfy { $0.commitIndex == first.commitIndex && $0.lastIndex == first.commitIndex && $0.term == first.term
                                  && $0.status == .normal && !$0.isRecovering }
            && (0..<options.replicaCount).allSatisfy { machine($0).appliedIndex == first.commitIndex && machine($0).digest() == digest }
    }

    /// Convergence alone would pass a cluster that agrees but no longer
    /// commits: once quiet, the leader's whole log is committed, and one more
    /// write must still succeed.
    private func checkProgressAfterConvergence() {
        guard monitor.violations.isEmpty, let leader = servingLeader, let core = core(leader) else {
            if monitor.violations.isEmpty { monitor.violate("liveness: no serving leader after the heal", now) }
            return
        }
        if core.lastIndex != core.commitIndex {
            monitor.violate("liveness: leader \(leader) holds entries \(core.commitIndex + 1)...\(core.lastIndex) that never committed", now)
        }
        let probe = perform(.put("liveness-probe", "\(seed)"), client: clients.count)
        if probe != .ok(.write) {
            monitor.violate("liveness: a write after convergence ended \(probe)", now)
        }
    }

    private func checkLinearizability() {
        // A step budget, not a time limit, so a run stays a function of its seed.
        switch LinearizabilityChecker().check(history.operations, budget: CheckBudget(maxStepsPerKey: 500_000, timeLimit: nil)) {
        case .linearizable: break
        case .violation(let violation): monitor.violate("linearizability: \(violation)", now)
        case .inconclusive(let reason): monitor.violate("linearizability: the checker gave up: \(reason)", now)
        }
    }

    func report() -> SimulationReport {
        let operations = history.operations
        func count(_ matches: (OperationOutcome) -> Bool) -> Int { operations.filter { matches($0.outcome) }.count }
        return SimulationReport(
            seed: seed, violations: monitor.violations, operations: operations.count,
            okCount: count { if case .ok = $0 { true } else { false } },
            failCount: count { $0 == .fail }, unknownCount: count { $0 == .unknown },
            faultsInjected: faultsInjected, termsReached: (0..<options.replicaCount).compactMap { core($0)?.term }.max() ?? 0,
            trace: trace)
    }
}
