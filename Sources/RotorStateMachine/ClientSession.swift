/// Identifies one write of one client, so that a retried or forwarded copy of
/// it applies at most once (see `ClientSessionTable`).
public struct ClientSession: Sendable, Hashable {
    public var clientID: Int64
    public var requestID: Int64

    public init(clientID: Int64, requestID: Int64) {
        self.clientID = clientID
        self.requestID = requestID
    }
}
