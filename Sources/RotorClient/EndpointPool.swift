import NIOConcurrencyHelpers
import NIOCore
import RotorModel

/// The client's view of the replicas: which one to try first (the believed
/// leader), and the connections to each, created on demand and replaced when
/// they die. Thread-safe; connecting happens outside the lock.
final class EndpointPool: Sendable {
    private struct State {
        var endpoints: [Endpoint]
        /// Per endpoint, `connectionsPerEndpoint` slots of connections (or connections being made).
        var slots: [[Slot?]]
        var preferred = 0
        var roundRobin = 0
    }

    private enum Slot {
        case connecting(EventLoopFuture<ClientConnection>)
        case connected(ClientConnection)
    }

    /// A connection ready now, or one being made.
    enum Acquired {
        case ready(ClientConnection)
        case pending(EventLoopFuture<ClientConnection>)

        func get() async throws -> ClientConnection {
            switch self {
            case .ready(let connection): connection
            case .pending(let future): try await future.get()
            }
        }
    }

    private let state: NIOLockedValueBox<State>
    private let group: any EventLoopGroup
    private let configuration: ClientConfiguration

    init(configuration: ClientConfiguration, group: any EventLoopGroup) {
        self.configuration = configuration
        self.group = group
        let slots = Array(repeating: Array<Slot?>(repeating: nil, count: configuration.connectionsPerEndpoint),
                          count: configuration.endpoints.count)
        state = NIOLockedValueBox(State(endpoints: configuration.endpoints, slots: slots))
    }

    /// The endpoint calls go to now.
    var preferred: Int { state.withLockedValue { $0.preferred } }

    func endpoint(_ index: Int) -> Endpoint { state.withLockedValue { $0.endpoints[index] } }

    /// Follows a NOT_LEADER hint: prefer the named endpoint, learning it if new.
    func prefer(hint: String) {
        guard let endpoint = Endpoint(parsing: hint) else { return }
        state.withLockedValue { state in
            if let index = state.endpoints.firstIndex(of: endpoint) {
                state.preferred = index
            } else {
                state.endpoints.append(endpoint)
                state.slots.append(Array(repeating: nil, count: configuration.connectionsPerEndpoint))
                state.preferred = state.endpoints.count - 1
            }
        }
    }

    /// How many endpoints the client knows.
    var count: Int { state.withLockedValue { $0.endpoints.count } }

    /// Follows an UNAVAILABLE answer's leader hint, only to a known endpoint
    /// other than the one that answered; returns whether it did.
    func prefer(knownHint hint: String?, over index: Int) -> Bool {
        guard let hint, let endpoint = Endpoint(parsing: hint) else { return false }
        return state.withLockedValue { state in
            guard let hinted = state.endpoints.firstIndex(of: endpoint), hinted != index, state.preferred == index else { return false }
            state.preferred = hinted
            return true
        }
    }

    /// Moves on from an endpoint that failed, unless another caller already did.
    func skip(_ index: Int) {
        state.withLockedValue { state in
            if state.preferred == index { state.preferred = (index + 1) % state.endpoints.count }
        }
    }

    /// A live (or connecting) connection to endpoint `index`.
    func connection(to index: Int) -> Acquired {
        state.withLockedValue { state in
            state.roundRobin &+= 1
            let slot = state.roundRobin % configuration.connectionsPerEndpoint
            switch state.slots[index][slot] {
            case .connected(let connection) where connection.isActive: return .ready(connection)
            case .connecting(let future): return .pending(future)
            default: break
            }
            let future = ClientConnection.connect(to: state.endpoints[index], on: group, timeout: configuration.connectTimeout,
                                                  maxFrameBytes: configuration.maxFrameBytes, clientToken: configuration.clientToken)
            state.slots[index][slot] = .connecting(future)
            future.whenComplete { [weak self] result in self?.settle(index: index, slot: slot, future: future, result: result) }
            return .pending(future)
        }
    }

    private func settle(index: Int, slot: Int, future: EventLoopFuture<ClientConnection>, result: Result<ClientConnection, any Error>) {
        state.withLockedValue { state in
            guard case .connecting(let current) = state.slots[index][slot], current == future else { return }
            switch result {
            case .success(let connection): state.slots[index][slot] = .connected(connection)
            case .failure: state.slots[index][slot] = nil
            }
        }
    }

    func closeAll() async {
        let slots = state.withLockedValue { state in
            defer { state.slots = state.slots.map { $0.map { _ in nil } } }
            return state.slots.flatMap { $0.compactMap { $0 } }
        }
        for slot in slots {
            switch slot {
            case .connected(let connection): await connection.close()
            case .connecting(let future): if let connection = try? await future.get() { await connection.close() }
            }
        }
    }
}
