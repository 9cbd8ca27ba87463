/// What `KvStateMachine.apply` did with a command.
public enum KvApplyOutcome: Sendable, Equatable {
    /// The command was applied now.
    case applied(KvCommandResult)
    /// The session had already applied this request: nothing changed. The
    /// result is the one the original application produced, at `originalIndex`,
    /// which is the index a reply should report as the write's commit index.
    case duplicate(KvCommandResult, originalIndex: Int64)
    /// The request id is older than the client's session window, so whether it
    /// was applied is no longer known; it was not applied. Servers answer an error.
    case stale
}
