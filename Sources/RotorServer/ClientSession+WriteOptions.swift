import RotorModel
import RotorStateMachine

extension ClientSession {
    /// The session of a write, from the (client_id, request_id) pair on the
    /// wire: both or neither. A write without them is applied every time it
    /// arrives, so a client that retries it risks applying it twice.
    public init?(_ options: WriteOptions) throws(KVError) {
        switch (options.clientID, options.requestID) {
        case (nil, nil): return nil
        case (let client?, let request?): self.init(clientID: client, requestID: request)
        default: throw .invalidArgument("client_id and request_id must be given together")
        }
    }
}

extension KVError {
    /// A retry older than what the replica still remembers of its client:
    /// it was either applied long ago or overtaken; it is not applied now.
    static func staleRequest(_ session: ClientSession?) -> KVError {
        .invalidArgument("request_id \(session?.requestID ?? 0) of client \(session?.clientID ?? 0) is older than the replica remembers; it was not applied now")
    }

    /// The client sent a different command under a request id it had used before.
    static func reusedRequestID(_ session: ClientSession?) -> KVError {
        .invalidArgument("request_id \(session?.requestID ?? 0) of client \(session?.clientID ?? 0) was already used for a different command")
    }
}

extension KvCommandResult {
    /// Whether this cached result is of the kind `command` produces, so that a
    /// duplicate can be answered with it.
    func answers(_ command: KvCommand) -> Bool {
        switch (self, command) {
        case (.put, .put), (.delete, .delete), (.compareAndSet, .compareAndSet): true
        default: false
        }
    }
}
