import RotorModel
import RotorStateMachine

extension ClientSession {
    /// The session of a write, from the (client_id, request_id) pair on the
    /// wire. client_id unset or 0: no session, and the write is applied every
    /// time it arrives (a retry may apply twice). A negative client_id, or a
    /// client_id without a request_id, is INVALID_ARGUMENT. Any other
    /// client_id must come from `registerSession` (Raft dissertation §6.3).
    public init?(_ options: WriteOptions) throws(KVError) {
        guard let client = options.clientID, client != 0 else { return nil }
        guard client > 0 else { throw .invalidArgument("client_id must be positive (from registerSession) or 0 for no session, got \(client)") }
        guard let request = options.requestID else { throw .invalidArgument("client_id \(client) was given without a request_id") }
        self.init(clientID: client, requestID: request)
    }
}

extension KVError {
    /// A retry older than the session's window: the replica can no longer tell
    /// whether it applied, so it is not applied now. SESSION_EXPIRED rather than
    /// INVALID_ARGUMENT: the request was well formed, but the part of the
    /// session that could recognise it has expired, exactly as when the whole
    /// session is evicted, and the client's remedy is the same.
    static func staleRequest(_ session: ClientSession?) -> KVError {
        .sessionExpired("request_id \(session?.requestID ?? 0) of client \(session?.clientID ?? 0) is older than the session's window of remembered requests; it was not applied now")
    }

    /// The client sent a different command under a request id it had used before.
    static func reusedRequestID(_ session: ClientSession?) -> KVError {
        .invalidArgument("request_id \(session?.requestID ?? 0) of client \(session?.clientID ?? 0) was reused for a different command; it was not applied")
    }

    /// The write's client id is not a live session: never registered, or evicted.
    static func sessionExpired(_ session: ClientSession?) -> KVError {
        .sessionExpired("client \(session?.clientID ?? 0) has no session (never registered, or expired): request_id \(session?.requestID ?? 0) was not applied; register a new session")
    }
}
