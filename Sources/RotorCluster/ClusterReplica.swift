import Logging
import NIOCore
import RotorConsensus
import RotorModel
import RotorServer
import RotorStateMachine
import RotorStorage
import RotorWire

/// One replica of a cluster, assembled: its disk, its consensus node, the
/// RoutingManager and the Thrift server that clients and peers share.
public final class ClusterReplica: Sendable {
    public let node: ReplicaNode
    public let routing: RoutingManager
    private let server: RotorKVServer
    private let forwarder: LeaderForwarder
    private let store: ReplicaStore?

    /// Builds a replica over `disk`, whose durable state is `durable`; the
    /// state machine starts from `durable.snapshot`, which must restore.
    public convenience init(configuration: ServerConfiguration, disk: any ReplicaDisk, durable: DurableState, group: any EventLoopGroup,
                            logger: Logger) {
        let machine: KvStateMachine
        do {
            machine = try Self.restoreStateMachine(durable)
        } catch {
            preconditionFailure("the stored snapshot does not restore: \(error)")
        }
        self.init(configuration: configuration, disk: disk, durable: durable, machine: machine, group: group, logger: logger)
    }

    /// The state machine as of the stored snapshot (empty without one).
    static func restoreStateMachine(_ durable: DurableState) throws(KVError) -> KvStateMachine {
        guard let snapshot = durable.snapshot else { return KvStateMachine() }
        return try KvStateMachine.restore(snapshot.data)
    }

    init(configuration: ServerConfiguration, disk: any ReplicaDisk, durable: DurableState, machine: KvStateMachine,
         group: any EventLoopGroup, logger: Logger) {
        precondition(configuration.mode == .replicated, "a cluster replica needs deployment.mode = \"replicated\"")
        guard let secret = configuration.security.clusterSecret else {
            preconditionFailure("a cluster replica needs security.cluster_secret (the configuration loader enforces it)")
        }
        let node = ReplicaNode(settings: NodeSettings(configuration), durable: durable, machine: machine, disk: disk,
                               authenticator: ClusterAuthenticator(secret: secret), loop: group.next(), logger: logger)
        let forwarder = LeaderForwarder(endpoints: configuration.replicaEndpoints, group: group,
                                        maxFrameBytes: configuration.maxFrameBytes, clientToken: configuration.security.clientToken)
        // Calls forwarded to a leader that went silent are stalled on its connection: fail them now.
        node.onLeaderContactLost = { [forwarder] leader in forwarder.drop(leader) }
        let routing = RoutingManager(node: node, forwarder: forwarder, maxScanBytes: configuration.limits.maxScanBytes)
        self.node = node
        self.routing = routing
        self.forwarder = forwarder
        self.store = disk as? ReplicaStore
        self.server = RotorKVServer(configuration: configuration, service: routing, peerHandler: routing, group: group, logger: logger)
    }

    /// Opens the data directory (`[storage]`), recovering what it holds, and builds the replica on it.
    /// `faultInjector` is a test hook that makes disk operations fail (see `StoreOptions`).
    public static func open(configuration: ServerConfiguration, group: any EventLoopGroup, logger: Logger,
                            faultInjector: (@Sendable (FaultPoint) -> InjectedFault?)? = nil) throws(StorageError) -> ClusterReplica {
        let options = StoreOptions(fsync: configuration.storage.fsync == .always ? .always : .never,
                                   segmentBytes: configuration.storage.segmentBytes, faultInjector: faultInjector)
        let (store, durable) = try ReplicaStore.open(directory: configuration.storage.dataDirectory, options: options, logger: logger)
        let machine: KvStateMachine
        do {
            machine = try restoreStateMachine(durable)
        } catch {
            throw .corrupted(file: configuration.storage.dataDirectory + "/snapshot", offset: 0, reason: "the snapshot does not restore: \(error)")
        }
        return ClusterReplica(configuration: configuration, disk: store, durable: durable, machine: machine, group: group, logger: logger)
    }

    /// Starts the node, then listens on `host:port` for clients and peers. Returns the bound address.
    @discardableResult
    public func start(host: String, port: Int) async throws -> SocketAddress {
        node.start()
        return try await server.start(host: host, port: port)
    }

    /// Stops serving: closes the listener, fails what is pending, drains connections.
    public func shutdown() async {
        try? await node.stop().get()
        forwarder.close()
        await server.shutdown()
        node.waitForDiskIdle()
        store?.close()
    }
}

extension ReplicaStore: ReplicaDisk {}
