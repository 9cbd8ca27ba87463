import Logging
import NIOCore
import NIOPosix
import RotorClient
import RotorModel
import RotorServer

/// A real server on a free loopback port, for one test.
struct TestServer {
    let server: RotorKVServer
    let group: MultiThreadedEventLoopGroup
    let endpoint: Endpoint

    static func start(service: (any RequestHandler)? = nil, peerHandler: (any PeerCallHandler)? = nil, port: Int = 0,
                      logger: Logger? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration.standaloneDefault
        configure(&configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let logger = logger ?? {
            var logger = Logger(label: "test.server")
            logger.logLevel = .critical
            return logger
        }()
        let server = RotorKVServer(configuration: configuration, service: service ?? StandaloneService(endpoint: "127.0.0.1:0", maxScanBytes: configuration.limits.maxScanBytes),
                                   peerHandler: peerHandler, group: group, logger: logger)
        let address = try await server.start(host: "127.0.0.1", port: port)
        return TestServer(server: server, group: group, endpoint: Endpoint(host: "127.0.0.1", port: address.port!))
    }

    func client(timeout: Duration = .seconds(5), token: String? = nil) -> RotorKVClient {
        RotorKVClient(configuration: ClientConfiguration(endpoints: [endpoint], defaultTimeout: timeout, clientToken: token), group: group)
    }

    func stop() async {
        await server.shutdown()
        try? await group.shutdownGracefully()
    }
}

/// Runs `body` against a fresh server and always stops it.
func withServer<T>(service: (any RequestHandler)? = nil, peerHandler: (any PeerCallHandler)? = nil, logger: Logger? = nil,
                   configure: (inout ServerConfiguration) -> Void = { _ in },
                   _ body: (TestServer) async throws -> T) async throws -> T {
    let server = try await TestServer.start(service: service, peerHandler: peerHandler, logger: logger, configure: configure)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// Runs `body` with a client of `server` and always shuts the client down.
func withClient<T>(_ server: TestServer, timeout: Duration = .seconds(5), token: String? = nil,
                   _ body: (RotorKVClient) async throws -> T) async throws -> T {
    let client = server.client(timeout: timeout, token: token)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}
