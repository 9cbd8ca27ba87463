import Atomics
import NIOCore
import NIOPosix
import RotorModel

/// The Swift client of RotorKV: async/await, any number of replicas.
///
/// - Every call has a deadline (the call's `timeout`, else the configured
///   default); retries happen inside it and the caller sees one outcome.
/// - NOT_LEADER is followed to the hinted leader. UNAVAILABLE (a replica cut
///   off from its leader answers it at once) moves on at once, to the hinted
///   leader if it is one of the endpoints, else to the next replica; once
///   every replica has been tried, and on OVERLOADED, the client first waits
///   a jittered, exponential backoff.
/// - Writes carry (client_id, request_id), assigned here once per call, so a
///   retried write is applied at most once by the cluster. The client id is a
///   session registered through the log before the first write (Raft
///   dissertation §6.3). A write answered SESSION_EXPIRED was not applied: the
///   error is thrown for it, and the next write registers a new session.
/// - Calls from many tasks share connections and are pipelined.
///
/// Errors are always `KVError`: the server's, or TIMEOUT / UNAVAILABLE raised
/// here. For a write, TIMEOUT and UNAVAILABLE mean the outcome is unknown.
public final class RotorKVClient: Sendable {
    public let configuration: ClientConfiguration
    let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let pool: EndpointPool
    private let nextRequestID = ManagedAtomic<Int64>(1)
    private let session = SessionKeeper()

    /// - Parameter group: the event loops to run on; by default the client makes (and owns) one thread.
    public init(configuration: ClientConfiguration, group: (any EventLoopGroup)? = nil) {
        self.configuration = configuration
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.ownsGroup = group == nil
        self.pool = EndpointPool(configuration: configuration, group: self.group)
    }

    public convenience init(endpoints: [Endpoint]) {
        self.init(configuration: ClientConfiguration(endpoints: endpoints))
    }

    /// Closes every connection; calls in flight fail with UNAVAILABLE.
    public func shutdown() async {
        await pool.closeAll()
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    // MARK: The RPCs

    public func get(_ key: Bytes, options: ReadOptions = ReadOptions(), timeout: Duration? = nil) async throws(KVError) -> GetResponse {
        guard case .get(let response) = try await call(.get(GetRequest(key: key, options: options)), timeout: timeout) else { throw mismatch() }
        return response
    }

    public func put(_ key: Bytes, _ value: Bytes, timeout: Duration? = nil) async throws(KVError) -> PutResponse {
        guard case .put(let response) = try await call(.put(PutRequest(key: key, value: value)), timeout: timeout) else { throw mismatch() }
        return response
    }

    public func delete(_ key: Bytes, timeout: Duration? = nil) async throws(KVError) -> DeleteResponse {
        guard case .delete(let response) = try await call(.delete(DeleteRequest(key: key)), timeout: timeout) else { throw mismatch() }
        return response
    }

    /// Sets `key` to `newValue` if its value is `expected` (nil: if it is absent).
    public func compareAndSet(_ key: Bytes, expected: Bytes?, newValue: Bytes, timeout: Duration? = nil) async throws(KVError) -> CompareAndSetResponse {
        let request = CompareAndSetRequest(key: key, expected: expected, newValue: newValue)
        guard case .compareAndSet(let response) = try await call(.compareAndSet(request), timeout: timeout) else { throw mismatch() }
        return response
    }

    public func scan(from start: Bytes, to end: Bytes? = nil, limit: Int32, options: ReadOptions = ReadOptions(),
                     timeout: Duration? = nil) async throws(KVError) -> ScanResponse {
        let request = ScanRequest(startKey: start, endKey: end, limit: limit, options: options)
        guard case .scan(let response) = try await call(.scan(request), timeout: timeout) else { throw mismatch() }
        return response
    }

    public func ping(timeout: Duration? = nil) async throws(KVError) {
        _ = try await call(.ping, timeout: timeout)
    }

    /// The status of the replica the client is talking to.
    public func status(timeout: Duration? = nil) async throws(KVError) -> ReplicaStatus {
        guard case .status(let status) = try await call(.status, timeout: timeout) else { throw mismatch() }
        return status
    }

    /// The status of one particular replica, with no retries elsewhere.
    public func status(of endpoint: Endpoint, timeout: Duration? = nil) async throws(KVError) -> ReplicaStatus {
        let deadline = NIODeadline.now() + (timeout ?? configuration.defaultTimeout).timeAmount
        let connection: ClientConnection
        do {
            connection = try await ClientConnection.connect(to: endpoint, on: group, timeout: configuration.connectTimeout,
                                                            maxFrameBytes: configuration.maxFrameBytes,
                                                            clientToken: configuration.clientToken).get()
        } catch {
            throw .unavailable("cannot connect to \(endpoint): \(error)")
        }
        let outcome: Result<ReplicaStatus, KVError>
        do {
            guard case .status(let status) = try await connection.send(.status, deadline: deadline).get() else { throw mismatch() }
            outcome = .success(status)
        } catch {
            outcome = .failure(Self.asKVError(error))
        }
        // Closed here, not in a detached task: the caller may shut the event loops down next,
        // and a close scheduled on a loop that is gone is an error in NIO (a crash in strict mode).
        await connection.close()
        return try outcome.get()
    }

    /// Registers a new client session through the log (Raft dissertation
    /// §6.3). The client does this by itself before its first write; tools
    /// that choose their own `WriteOptions` call it directly.
    public func registerSession(timeout: Duration? = nil) async throws(KVError) -> RegisterSessionResponse {
        guard case .registerSession(let response) = try await call(.registerSession, timeout: timeout) else { throw mismatch() }
        return response
    }

    // MARK: Sessions, retries and redirects

    /// Runs one call to completion or its deadline. Public so that tools can
    /// send any `ClientRequest`. A write without a client id gets this
    /// client's session (registered first if needed) and a fresh request id;
    /// one answered SESSION_EXPIRED drops the session before the error is thrown.
    public func call(_ request: ClientRequest, timeout: Duration? = nil) async throws(KVError) -> ClientResponse {
        let deadline = NIODeadline.now() + (timeout ?? configuration.defaultTimeout).timeAmount
        guard request.needsSession else { return try await send(request, deadline: deadline) }
        let clientID = try await sessionID(deadline: deadline)
        let stamped = request.stamped(WriteOptions(clientID: clientID, requestID: nextRequestID.loadThenWrappingIncrement(ordering: .relaxed)))
        do throws(KVError) {
            return try await send(stamped, deadline: deadline)
        } catch where error.code == .sessionExpired {
            await session.expire(clientID)
            throw error
        }
    }

    /// The configured client id, or the live session's, registered within `deadline` if there is none.
    private func sessionID(deadline: NIODeadline) async throws(KVError) -> Int64 {
        if let fixed = configuration.clientID { return fixed }
        return try await session.clientID { [self] in
            do throws(KVError) {
                guard case .registerSession(let response) = try await send(.registerSession, deadline: deadline) else { throw mismatch() }
                return .success(response.clientID)
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// Sends one request, with retries and redirects, until `deadline`.
    private func send(_ request: ClientRequest, deadline: NIODeadline) async throws(KVError) -> ClientResponse {
        var backoff = configuration.initialBackoff
        var quickRetries = 0
        while true {
            let index = pool.preferred
            let error: KVError
            do {
                let connection = try await pool.connection(to: index).get()
                let attemptDeadline = min(deadline, NIODeadline.now() + configuration.attemptTimeout.timeAmount)
                return try await connection.send(request, deadline: attemptDeadline).get()
            } catch let failure {
                error = Self.asKVError(failure)
            }
            switch error.code {
            case .notLeader:
                if let hint = error.leaderEndpoint { pool.prefer(hint: hint) } else { pool.skip(index) }
                continue
            case .unavailable:
                // Turned away at once (cut off from the leader, no quorum, stopping) or unreachable:
                // the hinted leader, else the next replica, at once; back off once all were tried.
                if !pool.prefer(knownHint: error.leaderEndpoint, over: index) { pool.skip(index) }
                quickRetries += 1
                if quickRetries < pool.count { continue }
                quickRetries = 0
            case .overloaded:
                pool.skip(index)
            case .timeout where NIODeadline.now() < deadline:
                // That replica is silent (paused, partitioned, or could not commit in time): try another.
                // A write keeps its session, so it applies at most once wherever it lands.
                pool.skip(index)
                continue
            default:
                throw error
            }
            let pause = backoff * Double.random(in: 0.5...1.0)
            if NIODeadline.now() + pause.timeAmount >= deadline {
                throw error.code == .unavailable ? error : .timeout("gave up at the deadline; last error: \(error)")
            }
            try? await Task.sleep(for: pause)
            backoff = min(backoff * 2, configuration.maxBackoff)
        }
    }

    static func asKVError(_ error: any Error) -> KVError {
        if let error = error as? KVError { return error }
        if let error = error as? ChannelError, case .connectTimeout = error { return .unavailable("connect timed out") }
        return .unavailable("\(error)")
    }

    private func mismatch() -> KVError { .internalError("the server answered a different method") }
}
