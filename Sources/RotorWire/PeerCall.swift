import RotorConsensus

/// One consensus RPC (replica to replica), as the IDL's `appendEntry`,
/// `commitNotification`, `startViewChange`, `doViewChange` and `requestLog`
/// carry it. The values are RotorConsensus's own messages; the reply messages
/// of the protocol (`AppendResponse`, `CommitAck`) travel as `PeerReply`.
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

    /// The IDL method names.
    public enum Method: String, Sendable, CaseIterable {
        case appendEntry, commitNotification, startViewChange, doViewChange, requestLog

        /// Whether the reply is `PeerReply.done` (a void method).
        public var isVoid: Bool {
            switch self {
            case .appendEntry, .commitNotification: false
            case .startViewChange, .doViewChange, .requestLog: true
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
        }
    }

    /// The sender's term.
    public var term: Term {
        switch self {
        case .appendEntry(let m): m.term
        case .commitNotification(let m): m.term
        case .startViewChange(let m): m.term
        case .doViewChange(let m): m.term
        case .requestLog(let m): m.term
        }
    }

    /// The same call as a `ConsensusMessage`, for the consensus core.
    public var message: ConsensusMessage {
        switch self {
        case .appendEntry(let m): .appendEntries(m)
        case .commitNotification(let m): .commitNotification(m)
        case .startViewChange(let m): .startViewChange(m)
        case .doViewChange(let m): .doViewChange(m)
        case .requestLog(let m): .logRequest(m)
        }
    }
}
