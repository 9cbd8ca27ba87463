/// Tunables of the protocol. Times are nanoseconds of the shell's clock.
public struct ConsensusConfiguration: Sendable, Equatable {
    public var replicaCount: Int
    public var replicaID: ReplicaID
    /// Silence from the leader (or a stalled term change) after which a replica proposes the next term.
    public var electionTimeout: Instant
    /// How often an idle leader sends `commitNotification`.
    public var heartbeatInterval: Instant
    /// How long an unacknowledged `appendEntries` waits before it is resent.
    public var retransmitTimeout: Instant
    /// At most this many entries in one `appendEntries`.
    public var maxEntriesPerAppend: Int
    /// At most this many `appendEntries` in flight to one follower.
    public var maxAppendsInFlight: Int
    /// At most about this many bytes of entries in one message (`appendEntries`, `doViewChange`):
    /// messages must fit the transport's frame limit.
    public var maxBytesPerMessage: Int
    /// Log entries kept behind a new snapshot, so that a follower slightly
    /// behind catches up from the log rather than by a snapshot transfer.
    public var retainedEntries: Int
    /// Snapshot bytes per `InstallSnapshot` chunk (at most `maxBytesPerMessage`).
    public var snapshotChunkBytes: Int
    /// Test-only: break a safety rule on purpose, to prove the simulator catches it.
    public var unsafeFault: UnsafeFault?

    public init(replicaCount: Int, replicaID: ReplicaID, electionTimeout: Instant = 1_000_000_000,
                heartbeatInterval: Instant = 100_000_000, retransmitTimeout: Instant? = nil,
                maxEntriesPerAppend: Int = 64, maxAppendsInFlight: Int = 8, maxBytesPerMessage: Int = 1 << 20,
                retainedEntries: Int = 0, snapshotChunkBytes: Int? = nil, unsafeFault: UnsafeFault? = nil) {
        precondition(replicaCount >= 1 && replicaCount % 2 == 1, "the cluster size must be odd and at least 1")
        precondition((0..<replicaCount).contains(replicaID), "replicaID \(replicaID) outside 0..<\(replicaCount)")
        precondition(heartbeatInterval > 0 && electionTimeout > heartbeatInterval, "the election timeout must exceed the heartbeat interval")
        precondition(maxEntriesPerAppend >= 1 && maxAppendsInFlight >= 1, "batches and windows hold at least one")
        self.replicaCount = replicaCount
        self.replicaID = replicaID
        self.electionTimeout = electionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.retransmitTimeout = retransmitTimeout ?? 2 * heartbeatInterval
        self.maxEntriesPerAppend = maxEntriesPerAppend
        self.maxAppendsInFlight = maxAppendsInFlight
        self.maxBytesPerMessage = maxBytesPerMessage
        self.retainedEntries = max(0, retainedEntries)
        self.snapshotChunkBytes = max(1, min(snapshotChunkBytes ?? maxBytesPerMessage, maxBytesPerMessage))
        self.unsafeFault = unsafeFault
    }

    /// Votes or acknowledgements that make a majority, self included.
    public var majority: Int { replicaCount / 2 + 1 }
}

/// Deliberate protocol bugs, each of which the simulator must detect.
public enum UnsafeFault: Sendable, Hashable {
    /// A new leader starts with its own log instead of the most up-to-date
    /// log of the majority that joined its term.
    case ignoreMajorityLogs
    /// A follower acknowledges entries before they are persisted.
    case acknowledgeBeforePersist
    /// A replica whose disk came up empty takes part at once, as if new,
    /// instead of recovering first (VR's recovery rule).
    case trustEmptyDisk
    /// The bootstrap rule before issue 11: a majority of empty disks starts a
    /// new cluster, even while a replica that holds the cluster's state is down.
    case majorityOfEmptyDisksStartsACluster
}
