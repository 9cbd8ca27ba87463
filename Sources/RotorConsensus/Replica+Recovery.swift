extension Replica {
    var isDiscovering: Bool { recovery?.isDiscovering ?? false }

    /// Asks again until a majority answered, and then, while catching up
    /// without a bound from the leader of our term, until that leader answers.
    mutating func recoveryTick() {
        guard var recovery, recovery.isDiscovering || recovery.leaderLastIndex == nil, now >= recovery.nextRequestAt else { return }
        recovery.nextRequestAt = now + configuration.heartbeatInterval
        self.recovery = recovery
        broadcast(.recoveryRequest(RecoveryRequest(from: replicaID, nonce: recovery.nonce)))
    }

    /// Tells a recovering peer what we know. Only members report a term; the
    /// serving leader also reports how far its log reaches.
    mutating func onRecoveryRequest(_ message: RecoveryRequest, from: ReplicaID) {
        let standing: RecoveryResponse.Standing
        if let recovery {
            standing = recovery.isDiscovering && recovery.diskWasEmpty ? .fresh : .recovering
        } else {
            // Still in term 0 with nothing in the log, we have promised nothing:
            // as good as an empty disk.
            standing = term == 0 && log.lastIndex == 0 ? .fresh : .member
        }
        let leaderLastIndex = standing == .member && isLeader ? log.lastIndex : nil
        send(.recoveryResponse(RecoveryResponse(term: term, from: replicaID, nonce: message.nonce, standing: standing,
                                                leaderLastIndex: leaderLastIndex)), to: from)
    }

    mutating func onRecoveryResponse(_ message: RecoveryResponse, from: ReplicaID) {
        guard var recovery, message.nonce == recovery.nonce else { return }
        guard recovery.isDiscovering else {
            // Catching up in the term we recovered into: a serving leader of it,
            // answering this incarnation, bounds what we could have promised.
            if recovery.leaderLastIndex == nil, recovery.term == term, message.term == term, from == termLeader,
               message.standing == .member, let bound = message.leaderLastIndex {
                self.recovery!.leaderLastIndex = bound
                finishRecoveryIfCaughtUp()
            }
            return
        }
        recovery.answers[from] = message
        self.recovery = recovery
        let members = recovery.answers.values.filter { $0.standing == .member }
        let fresh = recovery.answers.values.filter { $0.standing == .fresh }.count
        if recovery.diskWasEmpty && fresh + 1 >= configuration.majority {
            startNewCluster()
        } else if members.count >= configuration.majority {
            let highest = members.map(\.term).max()!
            let leaderAnswer = members.first { $0.term == highest && $0.from == consensusLeader(of: highest, configuration) }
            startCatchingUp(term: highest, leaderLastIndex: leaderAnswer?.leaderLastIndex)
        }
    }

    /// No peer holds state and a majority is as empty as we are: a new cluster.
    private mutating func startNewCluster() {
        recovery = nil
        if consensusLeader(of: 0, configuration) == replicaID {
            becomeLeaderOfInitialTerm()
        } else {
            status = .normal
            outbox.append(.roleChanged(term: term, role: role))
        }
    }

    /// The cluster exists: join its term without a vote, durably marked as recovering.
    private mutating func startCatchingUp(term highest: Term, leaderLastIndex: LogIndex?) {
        recovery!.term = highest
        recovery!.leaderLastIndex = leaderLastIndex
        if highest > term { term = highest }
        status = .viewChange
        verifiedMatch = 0
        election.deadline = now + configuration.electionTimeout
        persist(metadata: true)
        outbox.append(.roleChanged(term: term, role: role))
    }

    /// Until a majority answered we know no term, so we promise nothing: every
    /// append and heartbeat is refused in a form that confirms no leadership.
    mutating func answerWhileDiscovering(_ message: ConsensusMessage, from: ReplicaID) {
        switch message {
        case .appendEntries(let m):
            send(.appendResponse(AppendResponse(term: term, from: replicaID, success: false, matchIndex: 0, conflictHint: 0,
                                                prevIndex: m.prevIndex)), to: from)
        case .commitNotification:
            // Round 0 confirms no read round.
            send(.commitAck(CommitAck(term: term, from: replicaID, round: 0, matchIndex: 0)), to: from)
        default:
            break
        }
    }

    /// Called once in step with a leader: ends recovery when nothing we could
    /// have promised before the loss can be missing from our log.
    mutating func finishRecoveryIfCaughtUp() {
        guard let recovery, let recoveredTerm = recovery.term, status == .normal else { return }
        let laterTerm = term > recoveredTerm
        let reachedLeader = term == recoveredTerm && recovery.leaderLastIndex.map { verifiedMatch >= $0 } ?? false
        guard laterTerm || reachedLeader else { return }
        self.recovery = nil
        persist(metadata: true)
        outbox.append(.roleChanged(term: term, role: role))
    }
}
