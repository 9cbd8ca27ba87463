extension Replica {
    var isDiscovering: Bool { recovery?.isDiscovering ?? false }

    /// While discovering, asks every peer again each heartbeat interval
    /// (messages may be lost, peers may be down).
    mutating func recoveryTick() {
        guard var recovery, recovery.isDiscovering, now >= recovery.nextRequestAt else { return }
        recovery.nextRequestAt = now + configuration.heartbeatInterval
        self.recovery = recovery
        broadcast(.recoveryRequest(RecoveryRequest(from: replicaID, nonce: recovery.nonce)))
    }

    /// Tells a recovering peer what we know (see `Recovery`).
    mutating func onRecoveryRequest(_ message: RecoveryRequest, from: ReplicaID) {
        let standing = recoveryStanding
        let leaderLastIndex = standing == .member && isLeader ? log.lastIndex : nil
        let founded = standing == .member && foundingNonces[from] == message.nonce
        send(.recoveryResponse(RecoveryResponse(term: term, from: replicaID, nonce: message.nonce, standing: standing,
                                                leaderLastIndex: leaderLastIndex, clusterID: clusterID,
                                                responderNonce: isDiscovering ? recovery?.nonce : nil, foundedWithAsker: founded)), to: from)
    }

    /// Our own standing, as a discovering peer counts it.
    var recoveryStanding: RecoveryResponse.Standing {
        if let recovery {
            guard recovery.isDiscovering && recovery.diskWasEmpty else { return .recovering }
            return recovery.isDeclaredNew ? .new : .fresh
        }
        // Still in term 0 with nothing in the log, we hold nothing: as empty
        // as a fresh disk (so that replicas still discovering can count every
        // disk of a new cluster as empty).
        return term == 0 && log.lastIndex == 0 ? .fresh : .member
    }

    mutating func onRecoveryResponse(_ message: RecoveryResponse, from: ReplicaID) {
        guard var recovery, recovery.isDiscovering, message.nonce == recovery.nonce else { return }
        recovery.answers[from] = message
        if message.standing == .member && message.foundedWithAsker { recovery.countedEmptyAtFounding = true }
        self.recovery = recovery
        let decision = configuration.unsafeFault == .majorityOfEmptyDisksStartsACluster
            ? recovery.decideByMajorityOfEmptyDisks(replicaCount: configuration.replicaCount, majority: configuration.majority)
            : recovery.decide(replicaCount: configuration.replicaCount, majority: configuration.majority)
        switch decision {
        case .newCluster:
            startNewCluster()
        case .join(let highest, let cluster):
            if recovery.promisedNothing {
                joinAsNewReplica(term: highest, cluster: cluster)
            } else {
                startCatchingUp(term: highest, cluster: cluster)
            }
        case .wait(let reason):
            waitingReason = reason
        }
    }

    /// Nothing is held anywhere: a new cluster, opened by the leader of term 0.
    private mutating func startNewCluster() {
        // The incarnations we counted as empty: each has promised nothing, and may join as it is.
        foundingNonces = recovery?.answers.compactMapValues(\.responderNonce) ?? [:]
        recovery = nil
        waitingReason = nil
        if consensusLeader(of: 0, configuration) == replicaID {
            becomeLeaderOfInitialTerm()
        } else {
            status = .normal
            outbox.append(.roleChanged(term: term, role: role))
        }
    }

    /// Declared new, this replica promised nothing, ever: it joins the
    /// cluster as an ordinary replica with an empty log, out of step until a
    /// leader brings it in. It never leads a term it finds already reached:
    /// only an earlier life of itself could have led it.
    private mutating func joinAsNewReplica(term highest: Term, cluster: ClusterID) {
        recovery = nil
        waitingReason = nil
        adopt(cluster: cluster)
        if consensusLeader(of: highest, configuration) == replicaID { retiredTerm = highest }
        if highest > term {
            join(highest)
        } else {
            status = .viewChange
            verifiedMatch = 0
            election.deadline = now + configuration.electionTimeout
            persist(metadata: true)
            outbox.append(.roleChanged(term: term, role: role))
        }
    }

    /// The cluster exists: join its term without a vote, durably marked as recovering.
    private mutating func startCatchingUp(term highest: Term, cluster: ClusterID) {
        recovery!.term = highest
        waitingReason = nil
        adopt(cluster: cluster)
        if highest > term { term = highest }
        status = .viewChange
        verifiedMatch = 0
        election.deadline = now + configuration.electionTimeout
        persist(metadata: true)
        outbox.append(.roleChanged(term: term, role: role))
    }

    /// Until we may join we know no term, so we promise nothing: every
    /// append and heartbeat is refused in a form that confirms no leadership.
    mutating func answerWhileDiscovering(_ message: ConsensusMessage, from: ReplicaID) {
        switch message {
        case .appendEntries(let m):
            send(.appendResponse(AppendResponse(term: term, from: replicaID, success: false, matchIndex: 0, conflictHint: 0,
                                                prevIndex: m.prevIndex, recovering: true)), to: from)
        case .commitNotification:
            // Round 0 confirms no read round.
            send(.commitAck(CommitAck(term: term, from: replicaID, round: 0, matchIndex: 0, recovering: true)), to: from)
        default:
            break
        }
    }

    /// Ends recovery once in step with the leader of a term later than the
    /// one we recovered into: that term started without us (see `Recovery`).
    mutating func finishRecoveryIfCaughtUp() {
        guard let recovery, let recoveredTerm = recovery.term, status == .normal, term > recoveredTerm else { return }
        self.recovery = nil
        persist(metadata: true)
        outbox.append(.roleChanged(term: term, role: role))
    }

    /// Whether our acknowledgements must be marked: a recovering replica counts toward nothing.
    var acknowledgesAsRecovering: Bool { recovery != nil }
}

extension Recovery {
    /// The unsafe rule of `UnsafeFault.majorityOfEmptyDisksStartsACluster`.
    func decideByMajorityOfEmptyDisks(replicaCount n: Int, majority: Int) -> RecoveryDecision {
        let membersAnswered = answers.values.contains { $0.standing == .member }
        let empty = answers.values.filter { $0.standing == .fresh || $0.standing == .new }.count
        if !membersAnswered && diskWasEmpty && empty + 1 >= majority { return .newCluster }
        return decide(replicaCount: n, majority: majority)
    }

    /// The rule of `Recovery`, step 1, over the answers so far.
    func decide(replicaCount n: Int, majority: Int) -> RecoveryDecision {
        let answers = Array(self.answers.values)
        let members = answers.filter { $0.standing == .member }
        let declaredNew = answers.filter { $0.standing == .new }.count + (promisedNothing ? 1 : 0)
        if !members.isEmpty {
            let clusters = Set(members.map(\.clusterID).filter { $0 != 0 })
            guard clusters.count <= 1 else {
                let list = clusters.sorted().map { String($0, radix: 16) }.joined(separator: ", ")
                return .wait(reason: "the members disagree on the cluster id (\(list)): check their data directories")
            }
            guard members.count + declaredNew > n - majority else {
                let known = members.map { "\($0.from)" }.sorted().joined(separator: ", ")
                return .wait(reason: "only replica(s) \(known) answered with the cluster's state; \(n - majority + 1) replicas "
                             + "that hold it (or were declared initial_cluster_state = \"new\") must answer before this one can "
                             + "rebuild safely")
            }
            return .join(term: members.map(\.term).max()!, clusterID: clusters.first ?? 0)
        }
        guard initialState != .existing else {
            return .wait(reason: "initial_cluster_state = \"existing\": waiting for a replica that holds the cluster's state")
        }
        let recovering = answers.contains { $0.standing == .recovering }
        let empty = answers.filter { $0.standing == .fresh || $0.standing == .new }.count + (diskWasEmpty ? 1 : 0)
        if empty == n { return .newCluster }
        if isDeclaredNew && !recovering && declaredNew >= majority { return .newCluster }
        let heard = answers.map { "\($0.from)" }.sorted().joined(separator: ", ")
        return .wait(reason: "no replica holds the cluster's state; a new cluster starts only once all \(n) replicas answer with "
                     + "empty disks (heard from: \(heard.isEmpty ? "none" : heard))")
    }
}
