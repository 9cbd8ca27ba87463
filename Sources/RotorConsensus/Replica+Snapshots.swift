extension Replica {
    // MARK: Compaction

    /// The shell serialized its state machine through `snapshot.index`: keep
    /// it, and drop the log it covers (but `retainedEntries` behind it).
    mutating func onSnapshotTaken(_ taken: Snapshot) {
        guard !isDiscovering, taken.index > (snapshot?.index ?? 0), taken.index <= appliedThrough,
              log.matches(index: taken.index, term: taken.term) else { return }
        snapshot = taken
        let compactTo = max(log.baseIndex, taken.index - LogIndex(configuration.retainedEntries))
        log.compact(through: compactTo)
        persist(metadata: false, snapshot: taken, compactThrough: compactTo)
    }

    // MARK: Leader: sending a snapshot

    /// The follower needs entries we compacted away: send the next chunk of our
    /// snapshot, unless one is in flight. The chunk size keeps every message in one frame.
    mutating func sendSnapshotChunk(to peer: ReplicaID) {
        guard let snapshot, var follower = leadership?.followers[peer] else {
            preconditionFailure("a compacted log without a snapshot")
        }
        if follower.transfer?.snapshotIndex != snapshot.index {
            follower.transfer = LeaderState.SnapshotTransfer(snapshotIndex: snapshot.index)
        }
        guard var transfer = follower.transfer, transfer.sentAt == nil else { return }
        let chunkSize = configuration.snapshotChunkBytes
        let end = min(snapshot.data.count, transfer.nextOffset + chunkSize)
        let chunk = Array(snapshot.data[min(transfer.nextOffset, end)..<end])
        send(.installSnapshot(InstallSnapshot(term: term, leaderID: replicaID, snapshotIndex: snapshot.index, snapshotTerm: snapshot.term,
                                              totalBytes: snapshot.data.count, offset: transfer.nextOffset, data: chunk,
                                              leaderCommit: commitIndex, termStartIndex: leadership?.termStartIndex ?? 0)), to: peer)
        transfer.sentAt = now
        follower.transfer = transfer
        follower.inFlight.removeAll()
        leadership?.followers[peer] = follower
    }

    /// A chunk unanswered for a retransmit timeout is sent again.
    func snapshotChunkOverdue(_ peer: ReplicaID) -> Bool {
        guard let sentAt = leadership?.followers[peer]?.transfer?.sentAt else { return false }
        return now - sentAt >= configuration.retransmitTimeout
    }

    mutating func resendSnapshotChunk(to peer: ReplicaID) {
        leadership?.followers[peer]?.transfer?.sentAt = nil
        sendSnapshotChunk(to: peer)
    }

    mutating func onSnapshotAck(_ message: SnapshotAck, from: ReplicaID) {
        guard message.term == term, isLeader, var follower = leadership?.followers[from] else { return }
        follower.lastHeard = now
        guard let transfer = follower.transfer, transfer.snapshotIndex == message.snapshotIndex else {
            leadership?.followers[from] = follower
            return
        }
        if message.installed {
            follower.transfer = nil
            follower.matchIndex = max(follower.matchIndex, message.snapshotIndex)
            follower.nextIndex = max(follower.nextIndex, message.snapshotIndex + 1)
            follower.inFlight.removeAll()
            follower.probing = false
            leadership?.followers[from] = follower
            advanceCommit()
            replicate(to: from)
        } else {
            follower.transfer = LeaderState.SnapshotTransfer(snapshotIndex: transfer.snapshotIndex, nextOffset: message.nextOffset)
            leadership?.followers[from] = follower
            if snapshot?.index == transfer.snapshotIndex && message.nextOffset <= snapshot!.data.count {
                sendSnapshotChunk(to: from)
            } else {
                replicate(to: from)
            }
        }
    }

    // MARK: Follower: receiving a snapshot

    /// A chunk of the leader's snapshot. Chunks are taken in order; anything
    /// else is answered with the offset we want. The last chunk installs it.
    mutating func onInstallSnapshot(_ message: InstallSnapshot, from: ReplicaID) {
        guard message.term == term, from == termLeader, !isLeader else {
            send(.snapshotAck(SnapshotAck(term: term, from: replicaID, snapshotIndex: message.snapshotIndex, nextOffset: 0,
                                          installed: false)), to: from)
            return
        }
        heardFromLeader()
        if message.snapshotIndex <= commitIndex {
            // We hold this prefix already: committed entries are the leader's too.
            verifiedMatch = max(verifiedMatch, commitIndex)
            sendDurably(.snapshotAck(SnapshotAck(term: term, from: replicaID, snapshotIndex: message.snapshotIndex,
                                                 nextOffset: message.totalBytes, installed: true)), to: from)
            return
        }
        if !(incomingSnapshot?.isFor(message) ?? false) {
            incomingSnapshot = message.offset == 0 ? IncomingSnapshot(index: message.snapshotIndex, term: message.snapshotTerm,
                                                                      totalBytes: message.totalBytes) : nil
        }
        if var incoming = incomingSnapshot, message.offset == incoming.data.count,
           incoming.data.count + message.data.count <= incoming.totalBytes {
            incoming.data += message.data
            incomingSnapshot = incoming
        }
        guard let incoming = incomingSnapshot, incoming.isComplete else {
            send(.snapshotAck(SnapshotAck(term: term, from: replicaID, snapshotIndex: message.snapshotIndex,
                                          nextOffset: incomingSnapshot?.data.count ?? 0, installed: false)), to: from)
            return
        }
        incomingSnapshot = nil
        install(Snapshot(index: incoming.index, term: incoming.term, data: incoming.data), from: message)
    }

    /// Replaces our state through the snapshot, keeps log entries after it if
    /// they match, and acknowledges once it is durable.
    private mutating func install(_ received: Snapshot, from message: InstallSnapshot) {
        precondition(received.index > commitIndex && received.index > log.baseIndex, "installing a snapshot we already cover")
        let previousCommit = commitIndex
        let droppedLog = log.install(received)
        snapshot = received
        commitIndex = received.index
        appliedThrough = received.index
        outbox.append(.restore(received))
        // Entry 1 is behind the snapshot: the leader's stamp names the cluster.
        adopt(cluster: stamp)
        verifiedMatch = max(verifiedMatch, received.index)
        var truncatedAfter: LogIndex? = droppedLog ? previousCommit : nil
        // As in catch-up: in step through the term's opening, we join it.
        let joins = status == .viewChange && verifiedMatch >= message.termStartIndex
        if joins, let cut = joinTerm() {
            truncatedAfter = min(truncatedAfter ?? cut, cut)
        }
        persist(metadata: joins, truncatedAfter: truncatedAfter, snapshot: received, compactThrough: received.index)
        advanceFollowerCommit(message.leaderCommit)
        sendDurably(.snapshotAck(SnapshotAck(term: term, from: replicaID, snapshotIndex: received.index, nextOffset: received.data.count,
                                             installed: true)), to: termLeader)
        finishRecoveryIfCaughtUp()
    }
}
