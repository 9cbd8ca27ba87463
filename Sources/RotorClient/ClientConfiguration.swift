import RotorModel

/// How a `RotorKVClient` connects, retries and waits.
public struct ClientConfiguration: Sendable {
    /// Replicas to talk to; any one will do, the client follows leader hints.
    public var endpoints: [Endpoint]
    /// How long one call may take, retries included, unless the call says otherwise.
    public var defaultTimeout: Duration
    /// How long to wait for a TCP connection before trying the next endpoint.
    public var connectTimeout: Duration
    /// Connections per endpoint; calls are spread over them round-robin and pipelined.
    public var connectionsPerEndpoint: Int
    /// The largest reply frame accepted.
    public var maxFrameBytes: Int
    /// First and largest pause between retries of a call (exponential, with jitter).
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// nil (the default): the client registers a session through the log before
    /// its first write and uses its client id (Raft dissertation §6.3). Set: a
    /// client id from an earlier `registerSession`, used as is.
    public var clientID: Int64?
    /// The replicas' `[security] client_token`, if they have one: every
    /// connection calls `authenticate` with it before its first call.
    public var clientToken: String?
    /// How long one attempt on one replica may take before the client tries
    /// another (a paused or partitioned replica answers nothing). Retrying a
    /// write elsewhere is safe: it keeps its (client_id, request_id).
    public var attemptTimeout: Duration

    public init(endpoints: [Endpoint], defaultTimeout: Duration = .seconds(5), connectTimeout: Duration = .seconds(1),
                connectionsPerEndpoint: Int = 1, maxFrameBytes: Int = 16 << 20,
                initialBackoff: Duration = .milliseconds(10), maxBackoff: Duration = .milliseconds(500),
                clientID: Int64? = nil, clientToken: String? = nil,
                attemptTimeout: Duration = .seconds(2)) {
        precondition(!endpoints.isEmpty, "a client needs at least one endpoint")
        precondition(connectionsPerEndpoint >= 1, "connectionsPerEndpoint must be at least 1")
        self.endpoints = endpoints
        self.defaultTimeout = defaultTimeout
        self.connectTimeout = connectTimeout
        self.connectionsPerEndpoint = connectionsPerEndpoint
        self.maxFrameBytes = maxFrameBytes
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.clientID = clientID
        self.clientToken = clientToken
        self.attemptTimeout = attemptTimeout
    }
}
