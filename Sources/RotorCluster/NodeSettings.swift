import RotorConsensus
import RotorModel
import RotorServer
import RotorWire

/// What a `ReplicaNode` is built with, derived from the server configuration.
public struct NodeSettings: Sendable {
    public var consensus: ConsensusConfiguration
    public var endpoints: [Endpoint]
    /// How long a client request may wait for an election, a commit, an applied index or the leader.
    public var requestTimeout: Instant
    /// How often the core's timers are checked.
    public var tickInterval: Instant
    /// When to snapshot the state machine (see `StorageSettings`).
    public var snapshotEveryEntries: Int
    public var snapshotEveryBytes: Int
    /// The operator's word about an empty data directory (`deployment.initial_cluster_state`).
    public var initialClusterState: InitialClusterState
    var peers: PeerLinkSettings

    public init(_ configuration: ServerConfiguration) {
        let settings = configuration.consensus
        let heartbeat = NodeClock.milliseconds(settings.heartbeatIntervalMilliseconds)
        consensus = ConsensusConfiguration(
            replicaCount: configuration.replicaEndpoints.count, replicaID: configuration.instanceID,
            electionTimeout: NodeClock.milliseconds(settings.electionTimeoutMilliseconds), heartbeatInterval: heartbeat,
            maxEntriesPerAppend: settings.maxEntriesPerAppend, maxAppendsInFlight: settings.maxAppendsInFlight,
            maxBytesPerMessage: MessageBudget.payloadBytes(maxFrameBytes: configuration.maxFrameBytes),
            retainedEntries: configuration.storage.retainedEntries)
        initialClusterState = InitialClusterState(rawValue: configuration.initialClusterState.rawValue) ?? .auto
        snapshotEveryEntries = configuration.storage.snapshotEveryEntries
        snapshotEveryBytes = configuration.storage.snapshotEveryBytes
        endpoints = configuration.replicaEndpoints
        requestTimeout = NodeClock.milliseconds(settings.requestTimeoutMilliseconds)
        tickInterval = max(NodeClock.milliseconds(1), heartbeat / 4)
        peers = PeerLinkSettings(callTimeout: NodeClock.milliseconds(settings.peerRPCTimeoutMilliseconds),
                                 maxInFlight: 4 * settings.maxAppendsInFlight + 16, maxFrameBytes: configuration.maxFrameBytes)
    }
}
