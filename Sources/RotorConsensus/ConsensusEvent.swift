/// Everything that can happen to a replica. The shell turns sockets, timers
/// and disks into these and feeds them, with the time, to `Replica.handle`.
public enum ConsensusEvent: Sendable, Equatable {
    /// Time passed; timers are checked.
    case tick
    /// A message from a peer.
    case received(ConsensusMessage, from: ReplicaID)
    /// A client write to order in the log; `payload` is an encoded command.
    case clientWrite(ClientToken, payload: [UInt8])
    /// A linearizable read: answered with `.readReady` once leadership is confirmed.
    case clientRead(ClientToken)
    /// The shell finished the persist request with this token (in order).
    case persisted(token: UInt64)
}
