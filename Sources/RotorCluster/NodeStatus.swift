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
    /// The last index the latest snapshot the core holds covers, 0 without one.
    public var snapshotIndex: LogIndex = 0
    /// The first index still in the log: earlier entries are compacted into
    /// the snapshot (`lastIndex + 1` when the log holds none).
    public var logStartIndex: LogIndex = 1
    /// While recovering and undecided: what the replica waits for.
    public var recoveryReason: String?
    /// The cluster's identity, 0 while not known.
    public var clusterID: ClusterID = 0
}
