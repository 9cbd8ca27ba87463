/// One client RPC, decoded from the wire. The raw values of `Method` are the
/// IDL method names (`delete` is `deleteKey` on the wire: a Thrift reserved word).
public enum ClientRequest: Sendable, Equatable {
    case get(GetRequest)
    case put(PutRequest)
    case delete(DeleteRequest)
    case compareAndSet(CompareAndSetRequest)
    case scan(ScanRequest)
    case ping
    case status
    /// Registers a client session through the log (Raft dissertation §6.3).
    case registerSession

    public enum Method: String, Sendable, CaseIterable {
        case get, put
        case delete = "deleteKey"
        case compareAndSet, scan, ping, status, registerSession
    }

    public var method: Method {
        switch self {
        case .get: .get
        case .put: .put
        case .delete: .delete
        case .compareAndSet: .compareAndSet
        case .scan: .scan
        case .ping: .ping
        case .status: .status
        case .registerSession: .registerSession
        }
    }

    /// Writes go through the log; reads never do. A session registration is
    /// logged, so it counts as a write.
    public var isWrite: Bool {
        switch self {
        case .put, .delete, .compareAndSet, .registerSession: true
        case .get, .scan, .ping, .status: false
        }
    }
}

/// The successful reply to a `ClientRequest`; same case, same method.
public enum ClientResponse: Sendable, Equatable {
    case get(GetResponse)
    case put(PutResponse)
    case delete(DeleteResponse)
    case compareAndSet(CompareAndSetResponse)
    case scan(ScanResponse)
    case ping
    case status(ReplicaStatus)
    case registerSession(RegisterSessionResponse)
}
