extension Replica {
    // MARK: Losing the leader

    /// Not leading: give up on a silent leader or a stalled term change, and
    /// keep resending what the term change needs (messages may be lost).
    mutating func electionTick() {
        // A recovering replica proposes nothing: it counts toward no quorum.
        if now >= election.deadline && recovery == nil {
            proposeNextTerm()
        }
        if now >= election.nextResendAt {
            election.nextResendAt = now + configuration.heartbeatInterval
            resendElectionMessages()
        }
    }

    /// Our own timer fired: propose the next term, or a higher one a peer already proposes.
    private mutating func proposeNextTerm() {
        election.deadline = now + configuration.electionTimeout
        let peers = freshPeerProposals().filter { $0 > term }
        let target = max(term + 1, peers.max() ?? 0)
        if (election.proposal ?? 0) < target { election.proposal = target }
        broadcast(.startViewChange(StartViewChange(term: term, from: replicaID, proposedTerm: election.proposal!)))
        joinIfMajorityProposes()
    }

    private mutating func resendElectionMessages() {
        if let proposal = election.proposal {
            broadcast(.startViewChange(StartViewChange(term: term, from: replicaID, proposedTerm: proposal)))
        }
        guard status == .viewChange, recovery == nil else { return }
        if termLeader != replicaID {
            sendDurably(.doViewChange(doViewChange(entriesFrom: commitIndex + 1)), to: termLeader)
        } else if let request = election.logRequest {
            send(.logRequest(LogRequest(term: term, from: replicaID, fromIndex: request.fromIndex)), to: request.replica)
        }
    }

    /// Proposals heard within the last election timeout; older ones are withdrawn votes.
    private mutating func freshPeerProposals() -> [Term] {
        election.peerProposals = election.peerProposals.filter { now - $0.value.heardAt < configuration.electionTimeout && $0.value.term > term }
        return election.peerProposals.values.map(\.term)
    }

    mutating func onStartViewChange(_ message: StartViewChange, from: ReplicaID) {
        guard message.proposedTerm > term else { return }
        election.peerProposals[from] = (message.proposedTerm, now)
        if let proposal = election.proposal, message.proposedTerm > proposal {
            // Converge on the highest proposal among the replicas that lost the leader.
            election.proposal = message.proposedTerm
            broadcast(.startViewChange(StartViewChange(term: term, from: replicaID, proposedTerm: message.proposedTerm)))
        }
        joinIfMajorityProposes()
    }

    /// Joins the highest term that a majority (each of whose timers fired) proposes.
    private mutating func joinIfMajorityProposes() {
        var votes: [Term: Int] = [:]
        for proposal in freshPeerProposals() { votes[proposal, default: 0] += 1 }
        if let proposal = election.proposal, proposal > term { votes[proposal, default: 0] += 1 }
        let agreed = votes.filter { $0.value >= configuration.majority }.keys.max()
        if let agreed { join(agreed) }
    }

    /// A majority stands behind the term heard from a peer: a proposal quorum, or
    /// a replica that already joined it. Move to it and report to its leader.
    mutating func join(_ newTerm: Term) {
        precondition(newTerm > term, "joining term \(newTerm) from \(term)")
        stepDown(to: newTerm)
        term = newTerm
        status = .viewChange
        if let proposal = election.proposal, proposal <= newTerm { election.proposal = nil }
        election.peerProposals = election.peerProposals.filter { $0.value.term > newTerm }
        election.deadline = now + configuration.electionTimeout
        election.doViewChanges = [:]
        election.logRequest = nil
        election.fetch = nil
        verifiedMatch = 0
        persist(metadata: true)
        outbox.append(.roleChanged(term: term, role: role))
        // A recovering replica joins terms but does not vote in them.
        guard recovery == nil else { return }
        let report = doViewChange(entriesFrom: commitIndex + 1)
        if termLeader == replicaID {
            election.doViewChanges[replicaID] = report
            tryStartView()
        } else {
            sendDurably(.doViewChange(report), to: termLeader)
        }
    }

    /// Ends any leadership: writes in flight may still commit under the next
    /// leader (outcome unknown); reads are turned away.
    private mutating func stepDown(to newTerm: Term) {
        guard let leadership else { return }
        let expected = Rejection.electing(expectedLeader: consensusLeader(of: newTerm, configuration))
        for token in leadership.pendingWrites.sorted(by: { $0.key < $1.key }).map(\.value) {
            outbox.append(.writeOutcomeUnknown(token))
        }
        let reads = leadership.reads
        for token in reads.awaitingTermStart + reads.queued.map(\.token) + reads.confirming.map(\.token) {
            outbox.append(.readRejected(token, expected))
        }
        self.leadership = nil
    }

    /// Our report for the new leader, carrying one bounded chunk of our log
    /// from `entriesFrom`; the leader fetches further chunks with `LogRequest`.
    func doViewChange(entriesFrom: LogIndex) -> DoViewChange {
        let from = max(log.baseIndex + 1, entriesFrom)
        let chunk = log.batch(from: from, through: log.lastIndex, maxEntries: configuration.maxEntriesPerAppend,
                              maxBytes: configuration.maxBytesPerMessage)
        return DoViewChange(term: term, from: replicaID, lastNormalTerm: lastNormalTerm, lastIndex: log.lastIndex,
                            commitIndex: commitIndex, entriesFrom: from, entries: chunk, baseIndex: log.baseIndex, baseTerm: log.baseTerm)
    }

    // MARK: Starting a term (the new leader)

    mutating func onDoViewChange(_ message: DoViewChange, from: ReplicaID) {
        guard message.term == term, status == .viewChange, termLeader == replicaID else { return }
        election.doViewChanges[from] = message
        election.fetch?.absorb(message)
        tryStartView()
    }

    mutating func onLogRequest(_ message: LogRequest, from: ReplicaID) {
        guard message.term == term, status == .viewChange, from == termLeader, recovery == nil else { return }
        sendDurably(.doViewChange(doViewChange(entriesFrom: message.fromIndex)), to: from)
    }

    /// With a majority's reports in hand, adopt the most up-to-date log and lead.
    mutating func tryStartView() {
        guard status == .viewChange, termLeader == replicaID, term != retiredTerm, recovery == nil,
              election.doViewChanges.count >= configuration.majority else { return }
        var best = election.doViewChanges.values.max(by: { Self.lessUpToDate($0, $1, preferring: replicaID) })!
        if configuration.unsafeFault == .ignoreMajorityLogs { best = election.doViewChanges[replicaID]! }
        let reportedCommit = election.doViewChanges.values.map(\.commitIndex).max() ?? 0
        guard best.from != replicaID else {
            startView(adopting: nil, knownCommit: reportedCommit)
            return
        }
        // Everything through our commit index is committed, hence identical in
        // the best log: fetch the rest of it, one bounded chunk at a time.
        var needFrom = commitIndex + 1
        if best.baseIndex >= needFrom {
            // The best replica compacted entries we lack. If we hold its base
            // entry, log matching says we hold everything before it too;
            // otherwise we cannot start this term, and the next term's leader will.
            guard log.matches(index: best.baseIndex, term: best.baseTerm) else { return }
            needFrom = best.baseIndex + 1
        }
        if !(election.fetch?.continues(best, from: needFrom) ?? false) {
            election.fetch = LogFetch(replica: best.from, first: needFrom, lastIndex: best.lastIndex)
            election.fetch!.absorb(best)
        }
        let fetch = election.fetch!
        if fetch.isComplete {
            startView(adopting: fetch, knownCommit: reportedCommit)
        } else {
            election.logRequest = (best.from, fetch.next)
            send(.logRequest(LogRequest(term: term, from: replicaID, fromIndex: fetch.next)), to: best.from)
        }
    }

    /// VR's order of logs: the last normal term first, then the last index.
    /// Ties go to `preferred` (no log to fetch), then to the lower replica id.
    static func lessUpToDate(_ a: DoViewChange, _ b: DoViewChange, preferring preferred: ReplicaID) -> Bool {
        if a.lastNormalTerm != b.lastNormalTerm { return a.lastNormalTerm < b.lastNormalTerm }
        if a.lastIndex != b.lastIndex { return a.lastIndex < b.lastIndex }
        if (a.from == preferred) != (b.from == preferred) { return b.from == preferred }
        return a.from > b.from
    }

    private mutating func startView(adopting best: LogFetch?, knownCommit: LogIndex) {
        var truncatedAfter: LogIndex?
        var appended: [LogEntry] = []
        if let best {
            (truncatedAfter, appended) = adopt(best)
        }
        status = .normal
        lastNormalTerm = term
        commitIndex = max(commitIndex, min(knownCommit, log.lastIndex))
        // The first entry of a new cluster names it (see `LogEntry`).
        let opening = LogEntry(index: log.lastIndex + 1, term: term,
                               data: log.lastIndex == 0 && clusterID == 0 ? LogEntry.genesis(identitySeed) : [], timestamp: now)
        log.append(opening)
        appended.append(opening)
        let token = persist(metadata: true, truncatedAfter: truncatedAfter, entries: appended)
        leadership = LeaderState(followers: initialFollowers(termStartIndex: opening.index), termStartIndex: opening.index,
                                 startToken: token, nextHeartbeatAt: now)
        election.doViewChanges = [:]
        election.logRequest = nil
        election.fetch = nil
        election.proposal = nil
        outbox.append(.roleChanged(term: term, role: .leader))
        emitApplies()
    }

    /// Replaces our log after our commit index with `best`'s, keeping the common prefix.
    private mutating func adopt(_ best: LogFetch) -> (truncatedAfter: LogIndex?, appended: [LogEntry]) {
        var firstDifference = best.lastIndex + 1
        for entry in best.entries where entry.index > commitIndex {
            if !log.matches(index: entry.index, term: entry.term) {
                firstDifference = entry.index
                break
            }
        }
        if firstDifference > best.lastIndex && log.lastIndex == best.lastIndex { return (nil, []) }
        let keep = min(firstDifference - 1, best.lastIndex)
        log.truncate(after: keep)
        let appended = best.entries.filter { $0.index > keep }
        for entry in appended { log.append(entry) }
        return (keep, appended)
    }

    /// Every follower is first sent the term's opening no-op after the last
    /// adopted entry: a follower that holds the adopted log accepts it at once,
    /// and one that does not answers with where to back up to.
    private func initialFollowers(termStartIndex: LogIndex) -> [ReplicaID: LeaderState.Follower] {
        var followers: [ReplicaID: LeaderState.Follower] = [:]
        for peer in 0..<configuration.replicaCount where peer != replicaID {
            followers[peer] = LeaderState.Follower(nextIndex: termStartIndex, lastHeard: now)
        }
        return followers
    }

    /// A new cluster: every log is empty, so the leader of term 0 may start at once.
    mutating func becomeLeaderOfInitialTerm() {
        election.doViewChanges = [replicaID: doViewChange(entriesFrom: 1)]
        status = .viewChange
        startView(adopting: nil, knownCommit: 0)
    }
}
