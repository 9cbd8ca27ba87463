/// When the store forces its writes to stable storage.
public enum FsyncPolicy: String, Sendable, Equatable {
    /// `fdatasync` once per written batch (group commit), and fsync directories
    /// when files are created or renamed: a returned `write` survives power loss.
    case always
    /// Never sync. A process crash loses nothing (the page cache survives it),
    /// a machine crash may lose acknowledged writes. Tests and comparisons only.
    case never
}

/// A disk operation a test can make fail (see `StoreOptions.faultInjector`).
public enum FaultPoint: Sendable, Equatable {
    /// Appending `bytes` bytes of log records to the current segment.
    case logWrite(bytes: Int)
    /// The `fdatasync` of the current segment after an append.
    case logSync
    /// Writing the new contents of `metadata.tmp`.
    case metadataWrite
    /// Writing `bytes` bytes (header and data) to `snapshot.tmp`.
    case snapshotWrite(bytes: Int)
    /// The `fdatasync` of `snapshot.tmp` before it is renamed into place.
    case snapshotSync
}

/// How an injected fault fails an operation.
public struct InjectedFault: Sendable, Equatable {
    /// The error the operation reports, e.g. `ENOSPC`.
    public var errno: Int32
    /// For `.logWrite` and `.snapshotWrite`: this many bytes really reach the
    /// file before the failure, like a disk that fills up in the middle of a write.
    public var bytesWrittenFirst: Int

    public init(errno: Int32, bytesWrittenFirst: Int = 0) {
        self.errno = errno
        self.bytesWrittenFirst = bytesWrittenFirst
    }
}

/// How a `ReplicaStore` writes. The server maps `[storage]` settings onto this.
public struct StoreOptions: Sendable {
    public var fsync: FsyncPolicy
    /// A batch that finds the current segment at least this large starts a new
    /// one, so no file grows without bound, damage stays local to one file,
    /// and a snapshot lets whole files go (compaction deletes segments only
    /// when every entry in them is covered).
    public var segmentBytes: Int
    /// Test hook, `nil` in production: consulted before each faultable
    /// operation; a non-nil answer makes it fail as a real disk would
    /// (e.g. `ENOSPC` to simulate a full disk).
    public var faultInjector: (@Sendable (FaultPoint) -> InjectedFault?)?

    public init(fsync: FsyncPolicy = .always, segmentBytes: Int = 64 << 20,
                faultInjector: (@Sendable (FaultPoint) -> InjectedFault?)? = nil) {
        self.fsync = fsync
        self.segmentBytes = segmentBytes
        self.faultInjector = faultInjector
    }
}
