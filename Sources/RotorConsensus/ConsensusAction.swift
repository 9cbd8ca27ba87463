/// What the core asks its shell to do. Actions are returned in the order they
/// must be carried out; persist requests must complete in order.
public enum ConsensusAction: Sendable, Equatable {
    case send(ConsensusMessage, to: ReplicaID)
    case persist(PersistRequest)
    /// Apply the committed entry to the state machine (entries come in log
    /// order, exactly once per incarnation). `client` is set on the leader
    /// that accepted the write: answer that client with the result.
    case apply(LogEntry, client: ClientToken?)
    /// Replace the state machine with this snapshot's state (one received by
    /// state transfer); the next `.apply` is for `snapshot.index + 1`.
    case restore(Snapshot)
    /// The write was not accepted into the log: it certainly did not apply.
    case writeRejected(ClientToken, Rejection)
    /// The replica stopped leading before the write committed: it may or may
    /// not apply later. The client should retry with the same request id.
    case writeOutcomeUnknown(ClientToken)
    /// A linearizable read may be served once the state machine has applied `index`.
    case readReady(ClientToken, index: LogIndex)
    case readRejected(ClientToken, Rejection)
    /// The role or term changed (for logs and status).
    case roleChanged(term: Term, role: ConsensusRole)
}

/// Why a client request was turned away.
public enum Rejection: Sendable, Hashable {
    /// Another replica leads this term.
    case notLeader(leader: ReplicaID)
    /// A term change is under way; try again shortly.
    case electing(expectedLeader: ReplicaID)
    /// This replica leads, but has not heard from a majority within an
    /// election timeout: it cannot commit now, so it does not take the write.
    case noQuorum(leader: ReplicaID)
}

/// A replica's role, derived from its term and status.
public enum ConsensusRole: Sendable, Hashable {
    case leader
    case follower
    case electing
    /// Rebuilding a lost data directory from the others (VR's recovery).
    case recovering
}
