extension Replica {
    /// Emits a persist request for the current metadata and/or log change.
    /// `truncatedAfter` must already be applied to the in-memory log.
    @discardableResult
    mutating func persist(metadata: Bool, truncatedAfter: LogIndex? = nil, snapshot: Snapshot? = nil, compactThrough: LogIndex? = nil,
                          entries: [LogEntry] = []) -> UInt64 {
        if let truncatedAfter { durability.truncated(to: truncatedAfter) }
        let token = durability.issue(lengthAfter: log.lastIndex)
        outbox.append(.persist(PersistRequest(token: token, metadata: metadata ? self.metadata : nil, truncateAfter: truncatedAfter,
                                              snapshot: snapshot, compactThrough: compactThrough, entries: entries)))
        return token
    }

    mutating func onPersisted(_ token: UInt64) {
        for (message, to) in durability.completed(token) { send(message, to: to) }
        guard var leadership, isLeader else { return }
        if !leadership.ready && token >= leadership.startToken {
            leadership.ready = true
            self.leadership = leadership
            leaderBecameReady()
        } else {
            advanceCommit()
        }
    }

    /// Hands every newly committed entry to the shell, in order.
    mutating func emitApplies() {
        while appliedThrough < commitIndex {
            appliedThrough += 1
            let entry = log[appliedThrough]
            if appliedThrough == 1, let genesis = entry.genesisClusterID { adopt(cluster: genesis) }
            let client = leadership?.pendingWrites.removeValue(forKey: appliedThrough)
            outbox.append(.apply(entry, client: client))
        }
    }

    /// Protocol invariants, checked after every event.
    func checkInvariants() {
        precondition(commitIndex <= log.lastIndex, "commit index \(commitIndex) beyond the log (\(log.lastIndex))")
        precondition(appliedThrough <= commitIndex, "applied beyond the commit index")
        precondition(lastNormalTerm <= term, "last normal term \(lastNormalTerm) ahead of term \(term)")
        precondition(durability.durableLength <= log.lastIndex, "durable length beyond the log")
        precondition(leadership == nil || isLeader, "leader state kept by a replica that does not lead")
        precondition(log.baseIndex <= appliedThrough, "compacted entries \(log.baseIndex) that were never applied (\(appliedThrough))")
        precondition(log.baseIndex == 0 || snapshot != nil, "a compacted log without a snapshot")
        precondition(recovery == nil || leadership == nil, "a recovering replica leads")
    }
}
