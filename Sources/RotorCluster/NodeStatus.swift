import RotorConsensus

/// What a node publishes after every event, for `status` and routing
/// decisions made off the node's event loop.
public struct NodeStatus: Sendable, Equatable {
    public var replicaID: ReplicaID
    public var term: Term = 0
    public var role: ConsensusRole = .electing
    /// The leader serving the current term, when one is.
    public var leaderID: ReplicaID?
    public var lastIndex: LogIndex = 0
    public var commitIndex: LogIndex = 0
    public var appliedIndex: LogIndex = 0
}
