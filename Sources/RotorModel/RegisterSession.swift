/// The reply to `registerSession` (IDL `RegisterSessionResponse`): a new
/// client session registered through the log (Raft dissertation §6.3). Its
/// `clientID` is the log index of the registration, unique for the life of
/// the cluster; writes that carry it with distinct request ids apply at most
/// once until the session expires (SESSION_EXPIRED).
public struct RegisterSessionResponse: Sendable, Equatable {
    public var clientID: Int64
    /// The log index of the registration (equal to `clientID`).
    public var index: Int64

    public init(clientID: Int64, index: Int64) {
        self.clientID = clientID
        self.index = index
    }
}
