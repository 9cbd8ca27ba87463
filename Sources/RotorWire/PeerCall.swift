import RotorConsensus

/// One consensus RPC (replica to replica), as the IDL's `appendEntry`,
/// `commitNotification`, `startViewChange`, `doViewChange`, `requestLog`,
/// `installSnapshot`, `snapshotAck`, `recover` and `recoveryResponse` carry it.
/// The values are RotorConsensus's own messages; the reply messages of the
/// protocol (`AppendResponse`, `CommitAck`) travel as `PeerReply`.
public enum PeerCall: Sendable, Equatable {
    /// Reply: `PeerReply.appendEntry` (IDL AppendEntryResponse).
    case appendEntry(AppendEntries)
    /// Reply: `PeerReply.commitNotification` (IDL CommitNotificationResponse).
    case commitNotification(CommitNotification)
    /// Reply: `PeerReply.done` (void).
    case startViewChange(StartViewChange)
    /// Reply: `PeerReply.done` (void).
    case doViewChange(DoViewChange)
    /// Reply: `PeerReply.done` (void); the answer comes later as a `doViewChange` call.
    case requestLog(LogRequest)
    /// Reply: `PeerReply.done` (void); the answer comes later as a `snapshotAck` call.
    case installSnapshot(InstallSnapshot)
    /// Reply: `PeerReply.done` (void).
    case snapshotAck(SnapshotAck)
    /// Reply: `PeerReply.done` (void); the answers come later as `recoveryResponse` calls.
    case recover(RecoveryRequest)
    /// Reply: `PeerReply.done` (void).
    case recoveryResponse(RecoveryResponse)

    /// The IDL method names.
    public enum Method: String, Sendable, CaseIterable {
        case appendEntry, commitNotification, startViewChange, doViewChange, requestLog
        case installSnapshot, snapshotAck, recover, recoveryResponse

        /// Whether the reply is `PeerReply.done` (a void method).
        public var isVoid: Bool {
            switch self {
            case .appendEntry, .commitNotification: false
            case .startViewChange, .doViewChange, .requestLog, .installSnapshot, .snapshotAck, .recover, .recoveryResponse: true
            }
        }
    }

    public var method: Method {
        switch self {
        case .appendEntry: .appendEntry
        case .commitNotification: .commitNotification
        case .startViewChange: .startViewChange
        case .doViewChange: .doViewChange
        case .requestLog: .requestLog
        case .installSnapshot: .installSnapshot
        case .snapshotAck: .snapshotAck
        case .recover: .recover
        case .recoveryResponse: .recoveryResponse
        }
    }

    /// The replica that sent the call: `leaderID` or `from`.
    public var sender: ReplicaID {
        switch self {
        case .appendEntry(let m): m.leaderID
        case .commitNotification(let m): m.leaderID
        case .startViewChange(let m): m.from
        case .doViewChange(let m): m.from
        case .requestLog(let m): m.from
        case .installSnapshot(let m): m.leaderID
        case .snapshotAck(let m): m.from
        case .recover(let m): m.from
        case .recoveryResponse(let m): m.from
        }
    }

    /// The sender's term.
    public var term: Term {
        message.term
    }

    /// The same call as a `ConsensusMessage`, for the consensus core.
    public var message: ConsensusMessage {
        switch self {
        case .appendEntry(let m): .appendEntries(m)
        case .commitNotification(let m): .commitNotification(m)
        case .startViewChange(let m): .startViewChange(m)
        case .doViewChange(let m): .doViewChange(m)
        case .requestLog(let m): .logRequest(m)
        case .installSnapshot(let m): .installSnapshot(m)
        case .snapshotAck(let m): .snapshotAck(m)
        case .recover(let m): .recoveryRequest(m)
        case .recoveryResponse(let m): .recoveryResponse(m)
        }
    }
}
