/// The machine-readable error codes of `idl/kvstore.thrift` (enum ErrorCode).
/// Raw values are the wire values and must never change.
public enum ErrorCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case invalidArgument = 1
    case notLeader = 2
    case unavailable = 3
    case timeout = 4
    case tooLarge = 5
    case overloaded = 6
    case unauthorized = 7
    case internalError = 8
    /// The write's client session is not in the replicated session table: it
    /// was never registered or it expired. The write was not applied.
    case sessionExpired = 9
    /// A consensus call from a replica of another cluster (another cluster id).
    case wrongCluster = 10

    /// The IDL spelling, as clients in any language see it.
    public var description: String {
        switch self {
        case .invalidArgument: "INVALID_ARGUMENT"
        case .notLeader: "NOT_LEADER"
        case .unavailable: "UNAVAILABLE"
        case .timeout: "TIMEOUT"
        case .tooLarge: "TOO_LARGE"
        case .overloaded: "OVERLOADED"
        case .unauthorized: "UNAUTHORIZED"
        case .internalError: "INTERNAL"
        case .sessionExpired: "SESSION_EXPIRED"
        case .wrongCluster: "WRONG_CLUSTER"
        }
    }

    /// Whether a client may retry the same request (possibly on another replica).
    /// TIMEOUT is retryable only because writes carry (client_id, request_id),
    /// which makes a retried write apply at most once.
    public var isRetryable: Bool {
        switch self {
        case .notLeader, .unavailable, .timeout, .overloaded: true
        case .invalidArgument, .tooLarge, .unauthorized, .internalError, .sessionExpired, .wrongCluster: false
        }
    }
}
