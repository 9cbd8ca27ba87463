import RotorConsensus

/// The successful reply to a `PeerCall`.
public enum PeerReply: Sendable, Equatable {
    /// Answers `appendEntry` (IDL AppendEntryResponse).
    case appendEntry(AppendResponse)
    /// Answers `commitNotification` (IDL CommitNotificationResponse).
    case commitNotification(CommitAck)
    /// Answers the void RPCs: `startViewChange`, `doViewChange`, `requestLog`,
    /// `installSnapshot`, `snapshotAck`, `recover` and `recoveryResponse`. Their
    /// answers in the protocol, if any, come later as calls of their own.
    case done

    /// Whether this is the right kind of reply to a call of `method`.
    public func answers(_ method: PeerCall.Method) -> Bool {
        switch (self, method) {
        case (.appendEntry, .appendEntry), (.commitNotification, .commitNotification): true
        case (.done, let method): method.isVoid
        default: false
        }
    }
}
