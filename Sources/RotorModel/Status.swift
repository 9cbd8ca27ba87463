/// A replica's role (IDL `ReplicaRole`).
public enum ReplicaRole: Int32, Sendable, CustomStringConvertible {
    case standalone = 0
    case leader = 1
    case follower = 2
    /// A term change is under way; no leader serves yet.
    case electing = 3
    /// Rejoining after losing its state; does not vote until caught up.
    case recovering = 4

    public var description: String {
        switch self {
        case .standalone: "standalone"
        case .leader: "leader"
        case .follower: "follower"
        case .electing: "electing"
        case .recovering: "recovering"
        }
    }
}

/// What `status` reports about one replica.
public struct ReplicaStatus: Sendable, Equatable {
    public var replicaID: Int32
    public var role: ReplicaRole
    public var term: Int64
    public var leaderID: Int32?
    public var lastIndex: Int64
    public var commitIndex: Int64
    public var appliedIndex: Int64
    public var replicaCount: Int32
    /// Every replica's client endpoint, indexed by replica id.
    public var endpoints: [String]
    public var keyCount: Int64
    public var uptimeMilliseconds: Int64
    public var version: String
    /// The state machine's digest at exactly `appliedIndex`: equal on every
    /// replica that applied the same index, unless they diverged. Nil from a
    /// server too old to report it.
    public var stateDigest: UInt64?
    /// The last index covered by the latest snapshot the replica holds, 0 for
    /// none. Nil from a server too old to report it.
    public var snapshotIndex: Int64?
    /// The first index still in the replica's log (`lastIndex + 1` when it
    /// holds none). Nil from a server too old to report it.
    public var logStartIndex: Int64?
    /// While recovering and undecided: what the replica waits for, for an operator.
    public var recoveryReason: String?
    /// The cluster's identity; nil while not known (or from an older server).
    public var clusterID: UInt64?

    public init(replicaID: Int32, role: ReplicaRole, term: Int64, leaderID: Int32?, lastIndex: Int64,
                commitIndex: Int64, appliedIndex: Int64, replicaCount: Int32, endpoints: [String],
                keyCount: Int64, uptimeMilliseconds: Int64, version: String,
                stateDigest: UInt64? = nil, snapshotIndex: Int64? = nil, logStartIndex: Int64? = nil,
                recoveryReason: String? = nil, clusterID: UInt64? = nil) {
        self.recoveryReason = recoveryReason
        self.clusterID = clusterID
        self.replicaID = replicaID
        self.role = role
        self.term = term
        self.leaderID = leaderID
        self.lastIndex = lastIndex
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.replicaCount = replicaCount
        self.endpoints = endpoints
        self.keyCount = keyCount
        self.uptimeMilliseconds = uptimeMilliseconds
        self.version = version
        self.stateDigest = stateDigest
        self.snapshotIndex = snapshotIndex
        self.logStartIndex = logStartIndex
    }
}

/// The RotorKV release, reported by `status` and `--version`.
public let rotorKVVersion = "0.1.0"
