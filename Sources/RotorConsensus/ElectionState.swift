/// Term-change bookkeeping (VR's view change with a start-view-change quorum).
struct ElectionState: Sendable {
    /// When this replica gives up on its leader (or on a stalled term change).
    var deadline: Instant
    /// The term this replica proposes, set only after its own timer fired.
    var proposal: Term?
    /// The latest proposal heard from each peer, with when it was heard; old ones expire.
    var peerProposals: [ReplicaID: (term: Term, heardAt: Instant)] = [:]
    /// When to resend the proposal or the DoViewChange.
    var nextResendAt: Instant
    /// DoViewChange messages collected by the leader of the current term (its own included).
    var doViewChanges: [ReplicaID: DoViewChange] = [:]
    /// The log fetch a new leader is waiting for: (from replica, from index).
    var logRequest: (replica: ReplicaID, fromIndex: LogIndex)?
    /// The best log's entries after our commit index, gathered chunk by chunk.
    var fetch: LogFetch?
}
