import RotorConsensus
import RotorModel
import RotorTestSupport

/// A simulated client's request to one replica (one attempt of an operation).
struct ClientCall {
    var client: Int
    var token: ClientToken
    var operation: SimulatedOperation
    /// The client's registered session; 0 while it has none.
    var clientID: Int64
    var requestID: Int64
    /// This attempt registers the client's session (Raft dissertation §6.3)
    /// before the write it is for, rather than sending the write.
    var registering = false
}

/// What a simulated client asks for.
enum SimulatedOperation {
    case get(key: Bytes)
    case put(key: Bytes, value: Bytes)
    case delete(key: Bytes)
    case compareAndSet(key: Bytes, expected: Bytes?, new: Bytes)

    var key: Bytes {
        switch self {
        case .get(let key), .put(let key, _), .delete(let key), .compareAndSet(let key, _, _): key
        }
    }

    var historyKind: OperationKind {
        switch self {
        case .get: .read
        case .put(_, let value): .write(value)
        case .delete: .delete
        case .compareAndSet(_, let expected, let new): .compareAndSet(expected: expected, new: new)
        }
    }
}

/// A replica's answer to one attempt.
struct ClientReply {
    enum Result {
        /// The operation took effect (or, for a read, was served) with this output.
        case ok(OperationOutput, index: LogIndex)
        /// A session was registered with this client id.
        case registered(clientID: Int64)
        /// Certainly not applied by this attempt.
        case rejected(Rejection)
        /// This attempt may or may not apply.
        case unknown
    }

    var client: Int
    var token: ClientToken
    var result: Result
}
