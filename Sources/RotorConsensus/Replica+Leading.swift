extension Replica {
    mutating func leaderTick() {
        guard var leadership, leadership.ready else { return }
        guard hasQuorum else {
            // Check-quorum: unheard by a majority for an election timeout, we
            // may be able to send but not to hear, and followers that still
            // hear our heartbeats would never move on. Hand the term over.
            abdicate()
            return
        }
        if now >= leadership.nextHeartbeatAt {
            leadership.nextHeartbeatAt = now + configuration.heartbeatInterval
            leadership.round += 1
            self.leadership = leadership
            broadcast(.commitNotification(CommitNotification(term: term, leaderID: replicaID, commitIndex: commitIndex, round: leadership.round)))
            startReadRoundIfNeeded(usingRound: leadership.round)
        }
        for peer in followerIDs {
            if snapshotChunkOverdue(peer) {
                resendSnapshotChunk(to: peer)
            } else if retransmitDue(peer) {
                rewind(peer)
                replicate(to: peer)
            }
        }
    }

    mutating func leaderBecameReady() {
        leadership?.nextHeartbeatAt = now
        leaderTick()
        for peer in followerIDs { replicate(to: peer) }
        advanceCommit()
    }

    /// Orders client writes into the log: one persist request and one round of appends for the whole batch.
    mutating func onClientWrites(_ writes: [ClientWrite]) {
        guard !writes.isEmpty else { return }
        guard isLeader, hasQuorum else {
            for write in writes { outbox.append(.writeRejected(write.token, rejection)) }
            return
        }
        var entries: [LogEntry] = []
        entries.reserveCapacity(writes.count)
        for write in writes {
            let entry = LogEntry(index: log.lastIndex + 1, term: term, data: write.payload, timestamp: now)
            log.append(entry)
            leadership!.pendingWrites[entry.index] = write.token
            entries.append(entry)
        }
        persist(metadata: false, entries: entries)
        for peer in followerIDs { replicate(to: peer) }
    }

    /// Why a non-leader turns a client away.
    var rejection: Rejection {
        if isLeader { return .noQuorum(leader: replicaID) }
        return status == .normal ? .notLeader(leader: termLeader) : .electing(expectedLeader: termLeader)
    }

    /// Check-quorum: a leader that has heard from a majority (itself
    /// included) within the last election timeout. Without it, writes and
    /// linearizable reads could only wait, so they are turned away at once.
    public var hasQuorum: Bool {
        guard isLeader, let leadership else { return false }
        let recent = leadership.followers.values.filter { !$0.recovering && now - $0.lastHeard < configuration.electionTimeout }.count
        return recent + 1 >= configuration.majority
    }

    var followerIDs: [ReplicaID] { (0..<configuration.replicaCount).filter { $0 != replicaID } }

    // MARK: Replication

    /// Fills the follower's window with batches of entries it has not been sent.
    mutating func replicate(to peer: ReplicaID) {
        guard var leadership, leadership.ready, var follower = leadership.followers[peer] else { return }
        if follower.nextIndex <= log.baseIndex {
            sendSnapshotChunk(to: peer)
            return
        }
        follower.transfer = nil
        let window = follower.probing ? 1 : configuration.maxAppendsInFlight
        while follower.inFlight.count < window && follower.nextIndex <= log.lastIndex {
            let entries = log.batch(from: follower.nextIndex, through: log.lastIndex, maxEntries: configuration.maxEntriesPerAppend,
                                    maxBytes: configuration.maxBytesPerMessage)
            let last = entries.last!.index
            sendAppend(to: peer, after: follower.nextIndex - 1, entries: entries)
            follower.inFlight.append((follower.nextIndex - 1, last, now))
            follower.nextIndex = last + 1
        }
        leadership.followers[peer] = follower
        self.leadership = leadership
    }

    private mutating func sendAppend(to peer: ReplicaID, after prevIndex: LogIndex, entries: [LogEntry]) {
        let message = AppendEntries(term: term, leaderID: replicaID, prevIndex: prevIndex, prevTerm: log.term(at: prevIndex) ?? 0,
                                    entries: entries, leaderCommit: commitIndex,
                                    termStartIndex: leadership?.termStartIndex ?? 0)
        send(.appendEntries(message), to: peer)
    }

    private func retransmitDue(_ peer: ReplicaID) -> Bool {
        guard let oldest = leadership?.followers[peer]?.inFlight.first else { return false }
        return now - oldest.sentAt >= configuration.retransmitTimeout
    }

    /// Forgets what is in flight and resends from just after the last acknowledged index.
    private mutating func rewind(_ peer: ReplicaID) {
        guard var follower = leadership?.followers[peer] else { return }
        follower.inFlight.removeAll()
        follower.nextIndex = follower.matchIndex + 1
        leadership?.followers[peer] = follower
    }

    mutating func onAppendResponse(_ message: AppendResponse, from: ReplicaID) {
        guard message.term == term, isLeader, var follower = leadership?.followers[from] else { return }
        follower.lastHeard = now
        follower.recovering = message.recovering
        leadership?.followers[from] = follower
        if message.success {
            follower.matchIndex = max(follower.matchIndex, message.matchIndex)
            follower.nextIndex = max(follower.nextIndex, follower.matchIndex + 1)
            follower.inFlight.removeAll { $0.lastIndex <= message.matchIndex }
            follower.probing = false
            leadership?.followers[from] = follower
            if abdicateIfRecoveringFollowerInStep(follower) { return }
            advanceCommit()
        } else {
            // Only a refusal of an append still in flight counts; older ones (duplicated, reordered) are stale.
            guard follower.inFlight.contains(where: { $0.prevIndex == message.prevIndex }) else { return }
            follower.inFlight.removeAll()
            follower.probing = true
            follower.nextIndex = max(follower.matchIndex + 1, min(follower.nextIndex, message.conflictHint + 1))
            leadership?.followers[from] = follower
        }
        replicate(to: from)
    }

    mutating func onCommitAck(_ message: CommitAck, from: ReplicaID) {
        // Round 0 is a replica that knows no term yet (recovering): it confirms nothing.
        guard message.term == term, message.round > 0, isLeader, var follower = leadership?.followers[from] else { return }
        follower.lastHeard = now
        follower.recovering = message.recovering
        leadership?.followers[from] = follower
        // A replica rebuilding a lost disk confirms no leadership (VR §4.3: it does not take part yet).
        if !message.recovering { acknowledgeReadRound(message.round, from: from) }
        if abdicateIfRecoveringFollowerInStep(follower, reporting: message.matchIndex) { return }
        if message.matchIndex > follower.matchIndex {
            follower.matchIndex = message.matchIndex
            follower.nextIndex = max(follower.nextIndex, message.matchIndex + 1)
            leadership?.followers[from] = follower
            advanceCommit()
        } else if message.matchIndex < log.lastIndex && follower.inFlight.isEmpty {
            // The follower is behind, or restarted and must re-verify its log: probe from what it acknowledged.
            follower.nextIndex = min(follower.nextIndex, follower.matchIndex + 1)
            follower.probing = true
            leadership?.followers[from] = follower
            if follower.nextIndex > log.lastIndex {
                sendAppend(to: from, after: log.lastIndex, entries: [])
                leadership?.followers[from]?.inFlight.append((log.lastIndex, log.lastIndex, now))
            } else {
                replicate(to: from)
            }
        }
    }

    /// Commits the highest index a majority holds durably in this term; the
    /// leader counts itself only once the start of its term is durable.
    mutating func advanceCommit() {
        guard let leadership, leadership.ready else { return }
        // An acknowledgement below the term's start comes from a follower not yet
        // in step (its last normal term is older): it moves the window, not the commit.
        var matches = leadership.followers.values.map { $0.countedMatch >= leadership.termStartIndex ? $0.countedMatch : 0 }
        matches.append(durability.durableLength)
        matches.sort(by: >)
        let agreed = matches[configuration.majority - 1]
        guard agreed > commitIndex else { return }
        commitIndex = agreed
        emitApplies()
        commitAdvanced()
    }
}

extension Replica {
    /// A follower rebuilding a lost disk is in step with us, but it may finish
    /// only in a later term (see `Recovery`): move there now rather than wait
    /// for a failure. Returns whether we handed the term over.
    /// (A heartbeat's acknowledgement reports its durable match in `reporting`.)
    mutating func abdicateIfRecoveringFollowerInStep(_ follower: LeaderState.Follower, reporting match: LogIndex? = nil) -> Bool {
        guard follower.recovering, let leadership, max(follower.matchIndex, match ?? 0) >= leadership.termStartIndex else { return false }
        abdicate()
        return true
    }

    /// Gives up leading: joins the next term whose leader is neither us nor a
    /// recovering replica, and tells every peer, which joins it on hearing a
    /// higher term. VR's view change then runs as for a failed leader
    /// (Viewstamped Replication Revisited §4.2): the new leader adopts the
    /// best log of a majority, so nothing committed is lost.
    mutating func abdicate() {
        let avoided = Set(leadership?.followers.filter { $0.value.recovering }.map(\.key) ?? []).union([replicaID])
        var target = term + 1
        while avoided.contains(consensusLeader(of: target, configuration)) && target < term + Term(configuration.replicaCount) {
            target += 1
        }
        join(target)
        broadcast(.startViewChange(StartViewChange(term: target, from: replicaID, proposedTerm: target)))
    }
}
