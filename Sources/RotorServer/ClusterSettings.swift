/// `[consensus]`: the replication protocol and its timers.
public struct ConsensusSettings: Sendable, Equatable {
    /// `type = "mock"`: the built-in rotating-leader protocol (the only one).
    public var type: String = "mock"
    /// Silence from the leader after which replicas move to the next term.
    public var electionTimeoutMilliseconds: Int = 1000
    /// How often the leader sends `commitNotification` while idle (the heartbeat).
    public var heartbeatIntervalMilliseconds: Int = 100
    /// At most this many log entries in one `appendEntry`.
    public var maxEntriesPerAppend: Int = 256
    /// At most this many `appendEntry` calls in flight to one follower.
    public var maxAppendsInFlight: Int = 8
    /// How long a peer RPC may take before the caller gives up on it.
    public var peerRPCTimeoutMilliseconds: Int = 500
    /// How long a client request may wait for an election, a commit or an applied index before it fails.
    public var requestTimeoutMilliseconds: Int = 3000

    public init() {}
}

/// `[storage]`: where a replica keeps its log and how hard it syncs.
public struct StorageSettings: Sendable, Equatable {
    public enum FsyncPolicy: String, Sendable, Equatable {
        /// Acknowledge only after fdatasync: a write survives power loss.
        case always
        /// Never sync: a crash of the machine (not just the process) may lose acknowledged writes. Tests and comparisons only.
        case never
    }

    /// The replica's data directory; relative paths are from the working directory.
    public var dataDirectory: String = "data/replica-0"
    public var fsync: FsyncPolicy = .always
    /// A log segment file is closed and a new one started past this size.
    public var segmentBytes: Int = 64 << 20
    /// A snapshot of the state machine is taken in the background after this
    /// many applied entries, or after `snapshotEveryBytes` of applied commands,
    /// whichever comes first; the log it covers is then deleted segment by segment.
    public var snapshotEveryEntries: Int = 100_000
    public var snapshotEveryBytes: Int = 64 << 20
    /// Log entries kept behind a snapshot, so that a follower a little behind
    /// catches up from the log instead of by a whole snapshot.
    public var retainedEntries: Int = 10_000

    public init() {}
}

/// `[security]`: who may talk to a replica.
public struct SecuritySettings: Sendable, Equatable, CustomStringConvertible {
    /// Shared by every replica of one cluster; each consensus RPC carries proof of it
    /// (an HMAC, never the secret itself). Required in replicated mode.
    public var clusterSecret: String?
    /// When set, client RPCs are served only on connections that called `authenticate` with it.
    public var clientToken: String?

    public init(clusterSecret: String? = nil, clientToken: String? = nil) {
        self.clusterSecret = clusterSecret
        self.clientToken = clientToken
    }

    /// Never prints the secrets: configurations get logged.
    public var description: String {
        "SecuritySettings(cluster_secret: \(clusterSecret == nil ? "unset" : "<redacted>"), client_token: \(clientToken == nil ? "unset" : "<redacted>"))"
    }
}
