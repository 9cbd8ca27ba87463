/// The state machine as of one log index: what replaces the log prefix it
/// covers (compaction) and what a leader sends a follower that needs entries
/// the leader no longer holds (state transfer).
///
/// `data` is opaque to the core: the shell's state machine produced it and
/// checks it (the KvStateMachine snapshot is zlib-compressed, checksummed and
/// includes the client-session table). The core holds the latest one in
/// memory, as etcd's raft MemoryStorage does, to send it in chunks.
public struct Snapshot: Sendable, Equatable {
    /// The last log index the snapshot covers: entries 1...index were applied.
    public var index: LogIndex
    /// The term of the entry at `index`, so the log after it can still be matched.
    public var term: Term
    public var data: [UInt8]

    public init(index: LogIndex, term: Term, data: [UInt8]) {
        precondition(index >= 1 && term >= 0, "a snapshot covers at least one entry")
        self.index = index
        self.term = term
        self.data = data
    }
}
