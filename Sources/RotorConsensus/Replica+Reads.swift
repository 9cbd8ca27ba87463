extension Replica {
    mutating func onClientRead(_ token: ClientToken) {
        guard isLeader, hasQuorum, var leadership else {
            outbox.append(.readRejected(token, rejection))
            return
        }
        if commitIndex < leadership.termStartIndex {
            // Until this term's no-op commits, our commit index may lag what was committed before us.
            leadership.reads.awaitingTermStart.append(token)
        } else {
            leadership.reads.queued.append((token, commitIndex))
        }
        self.leadership = leadership
        if configuration.replicaCount == 1 {
            confirmReads()
        } else if leadership.ready && leadership.reads.round == nil {
            // Start a confirmation round now rather than wait for the next heartbeat.
            self.leadership!.nextHeartbeatAt = now
            leaderTick()
        }
    }

    /// Called whenever the commit index moves: reads that waited for the term's no-op get their index.
    mutating func commitAdvanced() {
        guard var leadership, commitIndex >= leadership.termStartIndex, !leadership.reads.awaitingTermStart.isEmpty else {
            if configuration.replicaCount == 1 { confirmReads() }
            return
        }
        leadership.reads.queued += leadership.reads.awaitingTermStart.map { ($0, commitIndex) }
        leadership.reads.awaitingTermStart = []
        self.leadership = leadership
        if configuration.replicaCount == 1 {
            confirmReads()
        } else if leadership.reads.round == nil {
            self.leadership!.nextHeartbeatAt = now
            leaderTick()
        }
    }

    /// The heartbeat of `round` just went out: it confirms every queued read.
    mutating func startReadRoundIfNeeded(usingRound round: UInt64) {
        guard var leadership, leadership.reads.round == nil, !leadership.reads.queued.isEmpty else { return }
        leadership.reads.round = round
        leadership.reads.confirming = leadership.reads.queued
        leadership.reads.queued = []
        leadership.reads.acknowledged = [replicaID]
        self.leadership = leadership
    }

    mutating func acknowledgeReadRound(_ round: UInt64, from: ReplicaID) {
        guard var leadership, let pending = leadership.reads.round, round >= pending else { return }
        leadership.reads.acknowledged.insert(from)
        self.leadership = leadership
        if leadership.reads.acknowledged.count >= configuration.majority {
            confirmReads()
        }
    }

    /// Leadership is confirmed for the reads in the round (or trivially, alone).
    private mutating func confirmReads() {
        guard var leadership else { return }
        var ready = leadership.reads.confirming
        leadership.reads.confirming = []
        leadership.reads.round = nil
        leadership.reads.acknowledged = []
        if configuration.replicaCount == 1 {
            ready += leadership.reads.queued
            leadership.reads.queued = []
        }
        self.leadership = leadership
        for read in ready { outbox.append(.readReady(read.token, index: read.index)) }
        if !leadership.reads.queued.isEmpty {
            self.leadership!.nextHeartbeatAt = now
            leaderTick()
        }
    }
}
