import RotorConsensus

extension Simulation {
    /// Schedules random faults over `[start, end)`, one every 0.3–1.2 s.
    func scheduleFaults(from start: Int64, until end: Int64) {
        guard !options.faults.isEmpty else { return }
        var time = start + random.between(VirtualTime.milliseconds(200)...VirtualTime.milliseconds(800))
        while time < end {
            scheduler.schedule(.fault(randomFault()), at: time)
            time += random.between(VirtualTime.milliseconds(300)...VirtualTime.milliseconds(1200))
        }
    }

    private func randomFault() -> FaultAction {
        let n = options.replicaCount
        let kind = random.pick(FaultKind.allCases.filter { options.faults.contains($0) })
        let lasting = random.between(VirtualTime.milliseconds(300)...VirtualTime.milliseconds(2500))
        switch kind {
        case .crash:
            return .crash(replica: Int(random.next() % UInt64(n)), restartAfter: lasting)
        case .wipe:
            let victim = Int(random.next() % UInt64(n))
            return canWipe(victim) ? .wipe(replica: victim, restartAfter: lasting) : .crash(replica: victim, restartAfter: lasting)
        case .partition:
            nextFaultID += 1
            let victim = random.chance(0.5) ? (servingLeader ?? Int(random.next() % UInt64(n))) : Int(random.next() % UInt64(n))
            // One in five cuts only what the victim hears: a leader that can send but not hear.
            let inboundOnly = random.chance(0.2)
            return .partition(id: nextFaultID, isolating: [victim], oneWay: !inboundOnly && random.chance(0.3), inboundOnly: inboundOnly,
                              lasting: lasting)
        case .lossy:
            return .lossy(drop: Double(random.between(5...30)) / 100, duplicate: Double(random.between(0...20)) / 100,
                          reorder: Double(random.between(5...30)) / 100, lasting: lasting)
        case .slow:
            return .slow(replica: Int(random.next() % UInt64(n)), extraLatency: random.between(VirtualTime.milliseconds(20)...VirtualTime.milliseconds(200)),
                         lasting: lasting)
        }
    }

    func perform(_ action: FaultAction) {
        switch action {
        case .crash(let replica, let restartAfter):
            guard isUp(replica) else { return }
            faultsInjected += 1
            crash(replica)
            scheduler.schedule(.fault(.restart(replica: replica)), after: restartAfter)
        case .restart(let replica):
            restart(replica)
        case .wipe(let replica, let restartAfter):
            guard isUp(replica), canWipe(replica) else { return }
            faultsInjected += 1
            wipe(replica)
            scheduler.schedule(.fault(.restart(replica: replica)), after: restartAfter)
        case .partition(let id, let group, let oneWay, let inboundOnly, let lasting):
            faultsInjected += 1
            activePartitions[id] = links(isolating: group, oneWay: oneWay, inboundOnly: inboundOnly)
            applyPartitions()
            note("partition \(id): \(oneWay ? "one-way from" : inboundOnly ? "inbound-only to" : "isolating") \(group.sorted())")
            scheduler.schedule(.fault(.endPartition(id: id)), after: lasting)
        case .endPartition(let id):
            activePartitions[id] = nil
            applyPartitions()
            note("partition \(id) healed")
        case .lossy(let drop, let duplicate, let reorder, let lasting):
            faultsInjected += 1
            bus.dropProbability = drop
            bus.duplicateProbability = duplicate
            bus.reorderProbability = reorder
            note("lossy network: drop \(drop), duplicate \(duplicate), reorder \(reorder)")
            scheduler.schedule(.fault(.endLossy), after: lasting)
        case .endLossy:
            bus.dropProbability = 0
            bus.duplicateProbability = 0
            bus.reorderProbability = 0
        case .slow(let replica, let extra, let lasting):
            faultsInjected += 1
            bus.slowness[replica] = extra
            note("replica \(replica) slow by \(extra / 1_000_000) ms")
            scheduler.schedule(.fault(.endSlow(replica: replica)), after: lasting)
        case .endSlow(let replica):
            bus.slowness[replica] = nil
        }
    }

    /// One lost disk at a time: two lost at once can be every copy of an
    /// acknowledged write, which no protocol survives. Others may be down or
    /// cut off meanwhile (their disks are intact), which is when an empty
    /// disk is most tempted to start a cluster of its own.
    func canWipe(_ victim: Int) -> Bool {
        (0..<options.replicaCount).allSatisfy { id in id == victim || !diskIsLost(id) }
    }

    /// A wiped disk not yet rebuilt (an empty disk that never held anything is not lost).
    private func diskIsLost(_ id: Int) -> Bool {
        guard lostDisks.contains(id) else { return false }
        if let core = core(id), !core.isRecovering {
            lostDisks.remove(id)
            return false
        }
        return true
    }

    private func applyPartitions() {
        bus.setBlocked(activePartitions.values.reduce(into: Set()) { $0.formUnion($1) })
    }

    /// Scenario API: cut `group` off from the other replicas (both ways unless `oneWay`).
    /// `oneWay` loses only what the group sends; `inboundOnly` only what it receives.
    public func isolate(_ group: Set<Int>, oneWay: Bool = false, inboundOnly: Bool = false) {
        nextFaultID += 1
        activePartitions[nextFaultID] = links(isolating: group, oneWay: oneWay, inboundOnly: inboundOnly)
        applyPartitions()
        note("isolated \(group.sorted())\(oneWay ? " one-way" : inboundOnly ? " inbound-only" : "")")
    }

    private func links(isolating group: Set<Int>, oneWay: Bool, inboundOnly: Bool) -> Set<ConsensusMessageBus.Link> {
        let links = ConsensusMessageBus.isolating(group, among: options.replicaCount)
        if oneWay { return links.filter { group.contains($0.from) } }
        if inboundOnly { return links.filter { group.contains($0.to) } }
        return links
    }

    /// Scenario API: ends every partition and network fault, restarting nothing.
    public func healNetwork() {
        activePartitions = [:]
        bus.heal()
        note("healed the network")
    }

    /// Ends every fault: partitions, lossy links, slowness; restarts crashed replicas.
    public func healAll() {
        activePartitions = [:]
        bus.heal()
        for id in 0..<options.replicaCount where !isUp(id) { restart(id) }
        note("healed everything")
    }
}
