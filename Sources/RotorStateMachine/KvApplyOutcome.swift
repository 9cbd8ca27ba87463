/// What `KvStateMachine.apply` did with a command.
public enum KvApplyOutcome: Sendable, Equatable {
    /// The command was applied now.
    case applied(KvCommandResult)
    /// The session had already applied this request: nothing changed. The
    /// result is the one the original application produced, at `originalIndex`,
    /// which is the index a reply should report as the write's commit index.
    case duplicate(KvCommandResult, originalIndex: Int64)
    /// The session had applied this request id for a different command (its
    /// fingerprint differs): a client bug. Not applied; servers answer
    /// INVALID_ARGUMENT.
    case reusedRequestID
    /// The request id is older than the client's session window, so whether it
    /// was applied is no longer known; it was not applied. Servers answer
    /// SESSION_EXPIRED.
    case stale
    /// The client id is not a live session (never registered, or evicted):
    /// not applied. Servers answer SESSION_EXPIRED.
    case sessionExpired
    /// A session was registered; its client id is this entry's index.
    case registered(clientID: Int64)
}
