import RotorConsensus
import RotorModel

/// A replica cut off from its leader (a partition, or a leader that lost its
/// majority) cannot serve writes, LINEARIZABLE reads or `min_index` reads
/// past what it applied. Parking them until their deadline would stall every
/// client that tries this replica, so it turns them away at once with
/// UNAVAILABLE and a leader hint, and the client moves on to another replica.
extension ReplicaNode {
    /// The refusal for a request that needs the leader, when this replica has
    /// lost it: a follower that has not heard from the leader of its term for
    /// an election timeout (counted from its start at the earliest), or a
    /// leader without a majority (check-quorum), or a replica whose term
    /// change has found no serving leader for an election timeout (a leader
    /// that handed its term over because it could not hear, one of two
    /// survivors of three). Nil while it is in touch, and early in a term
    /// change, when requests wait a little for the new leader.
    var leaderContactLost: KVError? {
        guard let leader = replica.knownLeader else { return noLeaderForAnElectionTimeout }
        if leader == replicaID {
            return replica.hasQuorum ? nil : error(for: .noQuorum(leader: replicaID))
        }
        let lastContact = max(replica.lastLeaderContact ?? startedAt, startedAt)
        let silence = NodeClock.now() - lastContact
        guard silence >= settings.consensus.electionTimeout else { return nil }
        return KVError(.unavailable,
                       "replica \(replicaID) has not heard from the leader, replica \(leader), for \(silence / 1_000_000) ms (cut off?); nothing was done here: retry on another replica",
                       leaderHint: Int32(leader), leaderEndpoint: settings.endpoints[leader].description)
    }

    /// No serving leader known, and none heard for an election timeout.
    private var noLeaderForAnElectionTimeout: KVError? {
        let silence = NodeClock.now() - max(replica.lastLeaderContact ?? startedAt, startedAt)
        guard silence >= settings.consensus.electionTimeout else { return nil }
        let expected = replica.termLeader
        return KVError(.unavailable,
                       "replica \(replicaID) has heard from no serving leader for \(silence / 1_000_000) ms (a term change is under way; replica \(expected) is expected to lead term \(replica.term)); nothing was done here: retry shortly or on another replica",
                       leaderHint: Int32(expected), leaderEndpoint: settings.endpoints[expected].description)
    }

    /// Called every tick: once the leader is lost, whatever is already parked
    /// here waiting for it is answered now rather than at its deadline, and
    /// the shell is told once per loss (the forwarder drops its stalled connection).
    func answerParkedIfLeaderLost() {
        loop.preconditionInEventLoop()
        guard let lost = leaderContactLost else {
            hasLeaderContact = true
            return
        }
        // Each resumes with `false` and answers with `leaderContactLost`.
        for resume in operations.takeAllAppliedWaiters() { resume(false) }
        for resume in operations.releaseLeaderWaiters() { resume(false) }
        if replica.isLeader {
            for read in operations.takeAllReads() { read(.failure(lost)) }
            // In the log already: it may still commit if the majority comes back.
            for write in operations.takeAllWrites() { write.reply(.failure(Self.outcomeUnknownWithoutQuorum)) }
        }
        if hasLeaderContact, let leader = replica.knownLeader, leader != replicaID {
            logger.warning("no word from the leader, replica \(leader), for an election timeout: turning away writes and reads that need it until it is heard again")
            onLeaderContactLost?(leader)
        }
        hasLeaderContact = false
    }

    static let outcomeUnknownWithoutQuorum = KVError.unavailable(
        "the leader lost its majority before the write committed; it may or may not apply. Retry with the same request id")
}
