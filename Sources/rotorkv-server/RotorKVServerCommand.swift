import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import RotorModel
import RotorCluster
import RotorServer

/// `rotorkv-server`: runs one RotorKV replica.
@main
struct RotorKVServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotorkv-server",
        abstract: "Run one RotorKV replica.",
        discussion: """
            With no arguments, runs a standalone, in-memory replica on 127.0.0.1:9090.
            With --config, reads a TOML file (see config/ for examples); an unknown
            key or a bad value stops the start with a message naming it.

            deployment.mode = "replicated" runs one replica of a cluster: it recovers
            its write-ahead log from [storage] data_dir, connects to the peers listed
            in replica_endpoints (clients and peers share the one port), and takes
            part in electing a rotating leader. Example, the local 3-replica cluster:
              rotorkv-server --config config/cluster/replica-0.toml
            (scripts/cluster.sh start runs all three and waits for a leader.)

            Clients speak Thrift (framed transport, binary protocol) as declared in
            idl/kvstore.thrift. SIGTERM or SIGINT (Ctrl-C) shut the replica down
            gracefully: it stops accepting, answers what it already read, then exits.
            """,
        version: rotorKVVersion)

    @Option(name: .long, help: ArgumentHelp("A TOML configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Override [logging] level: trace, debug, info, notice, warning, error.", valueName: "level"))
    var logLevel: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var configuration = try loadConfiguration()
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level \"\(logLevel)\"") }
            configuration.logLevel = level
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "rotorkv.server")
        switch configuration.mode {
        case .standalone: try await serve(configuration, logger: logger)
        case .replicated: try await serveReplica(configuration, logger: logger)
        }
    }

    /// One replica of a cluster: recovers its data directory, joins its peers, serves until SIGTERM/SIGINT.
    private func serveReplica(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let threads = configuration.eventLoopThreads == 0 ? System.coreCount : configuration.eventLoopThreads
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let endpoint = configuration.listenEndpoint
        let replica: ClusterReplica
        do {
            replica = try ClusterReplica.open(configuration: configuration, group: group, logger: logger)
        } catch {
            logger.critical("cannot open the data directory \(configuration.storage.dataDirectory): \(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        let signals = ShutdownSignals()
        do {
            let address = try await replica.start(host: endpoint.host, port: endpoint.port)
            logger.info("serving replica \(configuration.instanceID) of a \(configuration.replicaEndpoints.count)-replica cluster", metadata: [
                "address": "\(address)", "data_dir": "\(configuration.storage.dataDirectory)", "fsync": "\(configuration.storage.fsync.rawValue)",
                "election_timeout_ms": "\(configuration.consensus.electionTimeoutMilliseconds)", "threads": "\(threads)",
            ])
            if configuration.allowFaultInjection {
                logger.warning("[testing] allow_fault_injection is on: injectFault calls proven with the cluster secret can partition this replica from its peers. Never use this in production.")
            }
        } catch {
            logger.critical("cannot listen on \(endpoint): \(error). Is another rotorkv-server using the port? Check deployment.replica_endpoints[\(configuration.instanceID)].")
            await replica.shutdown()
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        let signal = await signals.next()
        logger.info("received \(signal); shutting down gracefully")
        await replica.shutdown()
        try? await group.shutdownGracefully()
        logger.info("stopped")
    }

    private func loadConfiguration() throws -> ServerConfiguration {
        guard let config else { return .standaloneDefault }
        do {
            return try ConfigurationLoader.load(path: config)
        } catch {
            throw ValidationError("invalid configuration: \(error)")
        }
    }

    private func serve(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let threads = configuration.eventLoopThreads == 0 ? System.coreCount : configuration.eventLoopThreads
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let endpoint = configuration.listenEndpoint
        var service: any RequestHandler = StandaloneService(endpoint: endpoint.description, maxScanBytes: configuration.limits.maxScanBytes)
        if configuration.allowFaultInjection {
            logger.warning("[testing] allow_fault_injection is on: gets of \(ErrorInjectingService.keyPrefix)<CODE> answer errors. Never use this in production.")
            service = ErrorInjectingService(wrapping: service)
        }
        let server = RotorKVServer(configuration: configuration, service: service, group: group, logger: logger)
        let signals = ShutdownSignals()
        do {
            let address = try await server.start(host: endpoint.host, port: endpoint.port)
            logger.info("serving a standalone in-memory replica", metadata: [
                "address": "\(address)", "threads": "\(threads)", "max_frame_bytes": "\(configuration.maxFrameBytes)",
            ])
        } catch {
            logger.critical("cannot listen on \(endpoint): \(error). Is another rotorkv-server using the port? Pick another in --config.")
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        let signal = await signals.next()
        logger.info("received \(signal); shutting down gracefully")
        await server.shutdown()
        try? await group.shutdownGracefully()
        logger.info("stopped")
    }
}

/// SIGTERM and SIGINT as an async event, with the default handlers disabled.
final class ShutdownSignals {
    private let stream: AsyncStream<String>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.stream = stream
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
    }

    func next() async -> String {
        for await name in stream { return name }
        return "end of signals"
    }
}
