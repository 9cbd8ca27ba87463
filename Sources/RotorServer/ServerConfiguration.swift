import Logging
import RotorModel
import RotorWire

/// Everything a replica process is configured with. Built from TOML by
/// `ConfigurationLoader`, or `ServerConfiguration.standaloneDefault` when
/// `rotorkv-server` runs with no arguments.
public struct ServerConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable {
        /// One replica, no consensus: writes commit as soon as they apply.
        case standalone
        /// A cluster of replicas with the rotating-leader protocol.
        case replicated
    }

    /// `deployment.initial_cluster_state`: the operator's word about an empty
    /// data directory, with etcd's meaning (the consensus core's
    /// `InitialClusterState` documents the rule it feeds).
    public enum InitialClusterState: String, Sendable, CaseIterable {
        /// Decide from the peers: a new cluster only when every replica's disk is empty.
        case auto
        /// This replica starts for the first time as one of a new cluster's replicas.
        case new
        /// This replica joins a cluster that exists (for example after losing its disk).
        case existing
    }

    public var mode: Mode
    public var initialClusterState: InitialClusterState = .auto
    /// This replica's position in `replicaEndpoints`.
    public var instanceID: Int
    /// Every replica's client endpoint, "host:port", indexed by replica id.
    public var replicaEndpoints: [Endpoint]
    public var maxFrameBytes: Int
    /// Replies a connection may owe before the server stops reading from it.
    public var maxInFlightPerConnection: Int
    /// Event loop threads; 0 means one per core.
    public var eventLoopThreads: Int
    public var limits: RequestLimits
    public var logLevel: Logger.Level
    /// Test-only hooks (`[testing]`); never enable in production. A standalone
    /// replica answers injected errors to clients (`ErrorInjectingService`); a
    /// cluster replica accepts `injectFault` partitions proven with the cluster secret.
    public var allowFaultInjection = false
    public var consensus = ConsensusSettings()
    public var storage = StorageSettings()
    public var security = SecuritySettings()

    /// A single in-memory replica on 127.0.0.1:9090.
    public static let standaloneDefault = ServerConfiguration(
        mode: .standalone, instanceID: 0, replicaEndpoints: [Endpoint(host: "127.0.0.1", port: 9090)],
        maxFrameBytes: FrameDecoder.defaultMaxFrameBytes, maxInFlightPerConnection: 1024, eventLoopThreads: 0,
        limits: .default, logLevel: .info)

    public init(mode: Mode, instanceID: Int, replicaEndpoints: [Endpoint], maxFrameBytes: Int,
                maxInFlightPerConnection: Int, eventLoopThreads: Int, limits: RequestLimits, logLevel: Logger.Level) {
        self.mode = mode
        self.instanceID = instanceID
        self.replicaEndpoints = replicaEndpoints
        self.maxFrameBytes = maxFrameBytes
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.eventLoopThreads = eventLoopThreads
        self.limits = limits
        self.logLevel = logLevel
    }

    /// Where this replica listens for clients (and, in a cluster, peers).
    public var listenEndpoint: Endpoint { replicaEndpoints[instanceID] }
}
