import NIOConcurrencyHelpers
import NIOCore
import RotorClient
import RotorModel

/// A follower's connections to the leader, for the requests it forwards:
/// writes (with the client's own `(client_id, request_id)`, so a retry is
/// never applied twice) and LINEARIZABLE reads. One pipelined connection per
/// leader, opened on first use and reopened after a failure.
final class LeaderForwarder: Sendable {
    private let endpoints: [Endpoint]
    private let group: any EventLoopGroup
    private let maxFrameBytes: Int
    private let clientToken: String?
    private let connections = NIOLockedValueBox<[Int: Slot]>([:])

    init(endpoints: [Endpoint], group: any EventLoopGroup, maxFrameBytes: Int, clientToken: String?) {
        self.endpoints = endpoints
        self.group = group
        self.maxFrameBytes = maxFrameBytes
        self.clientToken = clientToken
    }

    /// Sends `request` to `leader` and passes back whatever it answers.
    func forward(_ request: ClientRequest, to leader: Int, deadline: NIODeadline,
                 reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        let endpoint = endpoints[leader]
        connection(to: leader).flatMap { $0.sendReportingFailures(request, deadline: deadline) }.whenComplete { [self] result in
            switch result {
            case .success(let response):
                reply(.success(response))
            case .failure(CallFailure.answered(let error)):
                // An answer (UNAVAILABLE included) on a healthy connection: other calls on it carry on.
                reply(.failure(error))
            case .failure(let error):
                // A lost connection, a timeout, or no connection at all: the next call reconnects.
                drop(leader)
                let failure = CallFailure.unwrapped(error)
                if failure.code == .timeout { return reply(.failure(failure)) }
                reply(.failure(KVError(.unavailable, "cannot reach the leader, replica \(leader) at \(endpoint): \(failure.message)",
                                       leaderHint: Int32(leader), leaderEndpoint: endpoint.description)))
            }
        }
    }

    private enum Slot: Sendable {
        case connecting(EventLoopFuture<ClientConnection>)
        case ready(ClientConnection)
    }

    private func connection(to leader: Int) -> EventLoopFuture<ClientConnection> {
        let (future, isNew) = connections.withLockedValue { open -> (EventLoopFuture<ClientConnection>, Bool) in
            switch open[leader] {
            case .ready(let connection) where connection.isActive:
                return (connection.eventLoop.makeSucceededFuture(connection), false)
            case .connecting(let future):
                return (future, false)
            default:
                let future = ClientConnection.connect(to: endpoints[leader], on: group, timeout: .seconds(1), maxFrameBytes: maxFrameBytes,
                                                      clientToken: clientToken)
                open[leader] = .connecting(future)
                return (future, true)
            }
        }
        if isNew {
            future.whenComplete { [connections] result in
                connections.withLockedValue { open in
                    guard case .connecting = open[leader] else { return }
                    if case .success(let connection) = result { open[leader] = .ready(connection) } else { open[leader] = nil }
                }
            }
        }
        return future
    }

    /// Closes the connection to `leader`, failing every call still on it
    /// (they answer UNAVAILABLE with the hint); the next call reconnects.
    func drop(_ leader: Int) {
        let stale = connections.withLockedValue { open -> ClientConnection? in
            defer { open[leader] = nil }
            if case .ready(let connection) = open[leader] { return connection }
            return nil
        }
        stale?.channel.close(promise: nil)
    }

    func close() {
        let open = connections.withLockedValue { open in
            defer { open = [:] }
            return Array(open.values)
        }
        for slot in open {
            switch slot {
            case .ready(let connection): connection.channel.close(promise: nil)
            case .connecting(let future): future.whenSuccess { $0.channel.close(promise: nil) }
            }
        }
    }
}

