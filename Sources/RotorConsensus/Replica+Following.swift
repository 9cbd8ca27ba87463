extension Replica {
    /// The leader of our term is alive: stop any proposal of ours.
    mutating func heardFromLeader() {
        election.deadline = now + configuration.electionTimeout
        election.proposal = nil
        lastLeaderContact = now
    }

    /// Every `appendEntries` is answered exactly once (a refusal at once, an
    /// acknowledgement once durable), and so is every `commitNotification`:
    /// the network shell returns these answers as the RPCs' Thrift replies.
    mutating func onAppendEntries(_ message: AppendEntries, from: ReplicaID) {
        guard message.term == term else {
            // An older term: refuse, and tell the sender which term we are in.
            send(.appendResponse(AppendResponse(term: term, from: replicaID, success: false, matchIndex: 0, conflictHint: 0,
                                                prevIndex: message.prevIndex, recovering: acknowledgesAsRecovering)), to: from)
            return
        }
        guard from == termLeader, !isLeader else {
            // Only a misbehaving peer sends this: refuse it, so that every append gets an answer.
            send(.appendResponse(AppendResponse(term: term, from: replicaID, success: false, matchIndex: 0, conflictHint: 0,
                                                prevIndex: message.prevIndex, recovering: acknowledgesAsRecovering)), to: from)
            return
        }
        heardFromLeader()
        guard log.matches(index: message.prevIndex, term: message.prevTerm) else {
            refuseMismatch(message, from: from)
            return
        }
        if status == .viewChange {
            catchUp(with: message)
        } else {
            appendInStep(message)
        }
        advanceFollowerCommit(message.leaderCommit)
        // Before the acknowledgement is built, so that the one that ends recovery is not marked.
        finishRecoveryIfCaughtUp()
        let ack = ConsensusMessage.appendResponse(AppendResponse(term: term, from: replicaID, success: true, matchIndex: verifiedMatch,
                                                                 conflictHint: 0, prevIndex: message.prevIndex,
                                                                 recovering: acknowledgesAsRecovering))
        if configuration.unsafeFault == .acknowledgeBeforePersist {
            send(ack, to: from)
        } else {
            sendDurably(ack, to: from)
        }
    }

    /// Our log lacks (prevIndex, prevTerm): tell the leader where to back up to.
    private mutating func refuseMismatch(_ message: AppendEntries, from: ReplicaID) {
        let hint = message.prevIndex > log.lastIndex ? log.lastIndex : log.indexBeforeTerm(containing: message.prevIndex)
        let floor = commitIndex  // committed entries are the leader's too
        send(.appendResponse(AppendResponse(term: term, from: replicaID, success: false, matchIndex: 0,
                                            conflictHint: max(hint, floor), prevIndex: message.prevIndex, recovering: acknowledgesAsRecovering)), to: from)
    }

    /// Before our log holds the leader's whole starting log, we take its
    /// entries but stay out of normal status: our last normal term stays
    /// older, so a later term change cannot mistake our partial log for the
    /// leader's. Once we match through the term's opening no-op we join: any
    /// entries past what the leader sent came from an older term and go.
    private mutating func catchUp(with message: AppendEntries) {
        var (truncatedAfter, fresh) = merge(message)
        verifiedMatch = max(verifiedMatch, message.prevIndex + LogIndex(message.entries.count), commitIndex)
        let joins = verifiedMatch >= message.termStartIndex
        if joins, let cut = joinTerm() {
            truncatedAfter = min(truncatedAfter ?? cut, cut)
        }
        if joins || !fresh.isEmpty || truncatedAfter != nil {
            persist(metadata: joins, truncatedAfter: truncatedAfter, entries: fresh)
        }
    }

    /// In step with the leader through its term's opening no-op: join the
    /// term's normal operation. Entries past what the leader sent came from
    /// an older term and go; returns where the log was cut, if it was.
    mutating func joinTerm() -> LogIndex? {
        var cut: LogIndex?
        if log.lastIndex > verifiedMatch {
            log.truncate(after: verifiedMatch)
            cut = verifiedMatch
        }
        status = .normal
        lastNormalTerm = term
        outbox.append(.roleChanged(term: term, role: role))
        return cut
    }

    /// Normal operation: append what is new; entries we already hold are kept.
    private mutating func appendInStep(_ message: AppendEntries) {
        let (truncatedAfter, fresh) = merge(message)
        verifiedMatch = max(verifiedMatch, message.prevIndex + LogIndex(message.entries.count))
        if !fresh.isEmpty || truncatedAfter != nil {
            persist(metadata: false, truncatedAfter: truncatedAfter, entries: fresh)
        }
    }

    /// Raft's append rule: skip entries we hold with the same term; at the
    /// first conflict, drop our suffix and take the leader's.
    private mutating func merge(_ message: AppendEntries) -> (truncatedAfter: LogIndex?, fresh: [LogEntry]) {
        var fresh: [LogEntry] = []
        var truncatedAfter: LogIndex?
        for entry in message.entries {
            if fresh.isEmpty, let existing = log.term(at: entry.index) {
                if existing == entry.term { continue }
                precondition(entry.index > commitIndex, "a leader's entry conflicts with committed entry \(entry.index)")
                precondition(entry.index > verifiedMatch, "a leader's entry conflicts with verified entry \(entry.index)")
                log.truncate(after: entry.index - 1)
                truncatedAfter = entry.index - 1
            }
            log.append(entry)
            fresh.append(entry)
        }
        return (truncatedAfter, fresh)
    }

    /// Commit what the leader committed, as far as our log is known to match it.
    mutating func advanceFollowerCommit(_ leaderCommit: LogIndex) {
        let target = min(leaderCommit, verifiedMatch)
        if target > commitIndex {
            commitIndex = target
            emitApplies()
        }
    }

    mutating func onCommitNotification(_ message: CommitNotification, from: ReplicaID) {
        guard message.term == term else {
            send(.commitAck(CommitAck(term: term, from: replicaID, round: message.round, matchIndex: 0, recovering: acknowledgesAsRecovering)), to: from)
            return
        }
        guard from == termLeader, !isLeader else {
            send(.commitAck(CommitAck(term: term, from: replicaID, round: message.round, matchIndex: 0, recovering: acknowledgesAsRecovering)), to: from)
            return
        }
        heardFromLeader()
        if status == .normal { advanceFollowerCommit(message.commitIndex) }
        let match = status == .normal ? min(verifiedMatch, durability.durableLength) : 0
        send(.commitAck(CommitAck(term: term, from: replicaID, round: message.round, matchIndex: match,
                                  recovering: acknowledgesAsRecovering)), to: from)
    }
}
