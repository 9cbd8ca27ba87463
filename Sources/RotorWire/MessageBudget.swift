/// How many payload bytes (log entries, a snapshot chunk) one consensus message
/// may carry under a frame limit. The consensus core sizes its `appendEntry`
/// and `doViewChange` batches and its `installSnapshot` chunks by it
/// (`ConsensusConfiguration.maxBytesPerMessage`), and a replica refuses any
/// frame over its limit, so a budget that did not fit would stall replication
/// or a snapshot transfer for good: the same message would be refused on every resend.
public enum MessageBudget {
    /// The ceiling whatever the frame limit: a larger message would hold up the
    /// heartbeats and acknowledgements queued behind it on the same connection.
    public static let maxPayloadBytes = 4 << 20

    /// A quarter of the frame: the rest is ample for the message's own fields,
    /// its 32-byte proof and a batch's per-entry framing (the core counts 32
    /// bytes an entry on top of its data). With the default 16 MiB frame that
    /// is 4 MiB chunks; any frame of at least 4 MiB takes 1 MiB ones.
    public static func payloadBytes(maxFrameBytes: Int) -> Int {
        max(1, min(maxFrameBytes / 4, maxPayloadBytes))
    }
}
