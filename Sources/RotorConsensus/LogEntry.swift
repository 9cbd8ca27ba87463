/// One slot of the replicated log (IDL `LogEntry {index, term, data, timestamp}`).
///
/// `data` is an encoded state-machine command, or an entry of the core's own:
/// a no-op, which each new leader commits first so that it knows its commit
/// index covers everything committed before its term. A no-op is empty, or,
/// as the first entry of a new cluster (the genesis entry), byte 0, `G` and
/// the cluster's id (8 bytes, little-endian): once entry 1 is committed,
/// every replica reads the same id from it. State-machine encodings never
/// start with byte 0.
public struct LogEntry: Sendable, Hashable {
    public var index: LogIndex
    /// The term of the leader that created the entry (kept when it is copied).
    public var term: Term
    public var data: [UInt8]
    /// The creating leader's clock, in nanoseconds; informational.
    public var timestamp: Instant

    public init(index: LogIndex, term: Term, data: [UInt8], timestamp: Instant) {
        self.index = index
        self.term = term
        self.data = data
        self.timestamp = timestamp
    }

    public var isNoOp: Bool { data.isEmpty || data[0] == 0 }

    /// The data of the genesis entry naming `cluster`.
    static func genesis(_ cluster: ClusterID) -> [UInt8] {
        [0, UInt8(ascii: "G")] + withUnsafeBytes(of: cluster.littleEndian, Array.init)
    }

    /// The cluster id, if this is a genesis entry.
    var genesisClusterID: ClusterID? {
        guard data.count == 10, data[0] == 0, data[1] == UInt8(ascii: "G") else { return nil }
        return data[2...].reversed().reduce(0) { $0 << 8 | ClusterID($1) }
    }
}
