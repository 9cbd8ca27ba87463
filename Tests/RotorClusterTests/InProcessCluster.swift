import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import RotorCluster
import RotorModel
import RotorTestSupport
import RotorServer
import RotorStorage

/// Three replicas in this process, each with its own event loops and data
/// directory, talking over real loopback sockets.
final class InProcessCluster: ClusterHarness {
    let endpoints: [Endpoint]
    let electionTimeout: Duration
    let secret = "in-process-test-secret-0123456789"
    let canPause = false
    let clientToken: String?
    private let configurations: [ServerConfiguration]
    private let directory: URL
    private let replicas = NIOLockedValueBox<[Int: (ClusterReplica, MultiThreadedEventLoopGroup)]>([:])
    /// Replicas whose disk is "full": every log write fails with ENOSPC.
    let fullDisks = NIOLockedValueBox<Set<Int>>([])

    /// `storage` holds extra `[storage]` lines (snapshot intervals); `faultInjection`
    /// lets the replicas be partitioned (`isolate`, `heal`).
    init(electionTimeoutMilliseconds: Int = 1000, clientToken: String? = nil, storage: String = "", faultInjection: Bool = false) async throws {
        self.clientToken = clientToken
        let ports = try freeLoopbackPorts(3)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotorkv-cluster-\(UUID().uuidString)")
        endpoints = ports.map { Endpoint(host: "127.0.0.1", port: $0) }
        electionTimeout = .milliseconds(electionTimeoutMilliseconds)
        configurations = try (0..<3).map { [directory, secret] id in
            try ConfigurationLoader.parse(clusterConfiguration(
                id: id, ports: ports, dataDirectory: directory.appendingPathComponent("replica-\(id)").path, secret: secret,
                electionTimeoutMilliseconds: electionTimeoutMilliseconds, clientToken: clientToken, storage: storage,
                faultInjection: faultInjection))
        }
        for id in 0..<3 { try await restart(id) }
    }

    func restart(_ replica: Int) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "test.replica-\(replica)")
        logger.logLevel = configurations[replica].logLevel
        let instance = try ClusterReplica.open(configuration: configurations[replica], group: group, logger: logger) { [fullDisks] point in
            guard fullDisks.withLockedValue({ $0.contains(replica) }), case .logWrite = point else { return nil }
            return InjectedFault(errno: ENOSPC)
        }
        try await instance.start(host: "127.0.0.1", port: endpoints[replica].port)
        replicas.withLockedValue { $0[replica] = (instance, group) }
    }

    func kill(_ replica: Int) async throws {
        guard let (instance, group) = replicas.withLockedValue({ $0.removeValue(forKey: replica) }) else { return }
        await instance.shutdown()
        try await group.shutdownGracefully()
    }

    func pause(_ replica: Int) async throws { throw ClusterTestError("an in-process replica cannot be paused") }
    func resume(_ replica: Int) async throws { throw ClusterTestError("an in-process replica cannot be paused") }

    func shutdown() async {
        for id in 0..<3 { try? await kill(id) }
        try? FileManager.default.removeItem(at: directory)
    }
}
