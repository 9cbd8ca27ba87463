import RotorConsensus

/// How a replica talks to each peer.
struct PeerLinkSettings: Sendable {
    /// A call not answered within this long is given up (the core resends what matters).
    var callTimeout: Instant
    /// Calls written and not yet answered, per peer: appendEntry is pipelined within this window.
    var maxInFlight = 64
    /// Calls waiting for the connection or the window, per peer; beyond it the oldest are dropped
    /// (consensus tolerates lost messages, and a down peer must cost nothing).
    var maxQueued = 256
    var connectTimeout: Instant = NodeClock.milliseconds(500)
    var minBackoff: Instant = NodeClock.milliseconds(50)
    var maxBackoff: Instant = NodeClock.milliseconds(2000)
    var maxFrameBytes: Int
}
