import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RotorModel
import RotorWire

/// A Thrift server (framed transport, binary protocol) on SwiftNIO.
///
/// Each connection gets its own codec and reply queue; the `RequestHandler`
/// (client RPCs) and the `PeerCallHandler` (consensus RPCs) are shared. Without
/// a peer handler the replica is standalone: consensus RPCs are answered with
/// TApplicationException UNKNOWN_METHOD. `configuration.security` decides who
/// may call what (see `ThriftConnectionHandler`). Shutdown is graceful: stop accepting, let every connection
/// answer what it already read, then close.
public final class RotorKVServer: Sendable {
    private let configuration: ServerConfiguration
    private let service: any RequestHandler
    private let peerHandler: (any PeerCallHandler)?
    private let security: ConnectionSecurity
    private let group: any EventLoopGroup
    private let logger: Logger
    private let connections = ConnectionRegistry()
    private let listener: ListenerSlot

    public init(configuration: ServerConfiguration, service: any RequestHandler, peerHandler: (any PeerCallHandler)? = nil,
                group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.peerHandler = peerHandler
        self.security = ConnectionSecurity(configuration.security, allowFaultInjection: configuration.allowFaultInjection)
        self.group = group
        self.logger = logger
        self.listener = ListenerSlot()
        ThriftRuntime.initialize()
    }

    /// Binds `host:port` (port 0 picks a free one) and starts accepting.
    /// Returns the bound address.
    @discardableResult
    public func start(host: String, port: Int) async throws -> SocketAddress {
        let configuration = self.configuration
        let service = self.service
        let peerHandler = self.peerHandler
        let security = self.security
        let logger = self.logger
        let connections = self.connections
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let connectionLogger = Self.connectionLogger(logger, channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(ThriftConnectionHandler(
                        service: service, peerHandler: peerHandler, security: security, limits: configuration.limits, maxInFlight: configuration.maxInFlightPerConnection,
                        logger: connectionLogger, allocator: channel.allocator))
                }
            }
            .bind(host: host, port: port)
            .get()
        listener.set(channel)
        guard let address = channel.localAddress else { throw ChannelError.unknownLocalAddress }
        return address
    }

    /// Stops accepting, drains every connection, and closes them.
    public func shutdown() async {
        if let channel = listener.take() {
            try? await channel.close()
        }
        await connections.quiesceAll()
    }

    /// How many client or peer connections are open now.
    public var connectionCount: Int { connections.count }

    private static func connectionLogger(_ logger: Logger, _ channel: any Channel) -> Logger {
        var logger = logger
        logger[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "?")"
        return logger
    }
}

/// The listening channel, set once by `start` and taken once by `shutdown`.
final class ListenerSlot: Sendable {
    private let box = NIOLockedValueBox<(any Channel)?>(nil)
    func set(_ channel: any Channel) { box.withLockedValue { $0 = channel } }
    func take() -> (any Channel)? { box.withLockedValue { value in defer { value = nil }; return value } }
}
