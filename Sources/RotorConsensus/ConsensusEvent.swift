/// One client write of a batch.
public struct ClientWrite: Sendable, Equatable {
    public var token: ClientToken
    /// An encoded command.
    public var payload: [UInt8]

    public init(token: ClientToken, payload: [UInt8]) {
        self.token = token
        self.payload = payload
    }
}

/// Everything that can happen to a replica. The shell turns sockets, timers
/// and disks into these and feeds them, with the time, to `Replica.handle`.
public enum ConsensusEvent: Sendable, Equatable {
    /// Time passed; timers are checked.
    case tick
    /// A message from a peer, stamped with the sender's cluster id (0: it knows none yet).
    case received(ConsensusMessage, from: ReplicaID, cluster: ClusterID = 0)
    /// A client write to order in the log; `payload` is an encoded command.
    case clientWrite(ClientToken, payload: [UInt8])
    /// Many client writes at once: one persist request and one round of
    /// appends for all of them (what a busy shell gathers in one loop tick).
    case clientWrites([ClientWrite])
    /// A linearizable read: answered with `.readReady` once leadership is confirmed.
    case clientRead(ClientToken)
    /// The shell finished the persist request with this token (in order).
    case persisted(token: UInt64)
    /// The shell serialized its state machine as of an applied index: the
    /// core stores it (a persist request) and compacts the log it covers.
    case snapshotTaken(Snapshot)
}
