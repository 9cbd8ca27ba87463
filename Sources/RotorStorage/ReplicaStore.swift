import Logging
import RotorConsensus

/// One replica's disk. Its data directory holds:
/// - `<dir>/metadata`: term, status, last normal term, recovering, cluster id; replaced
///   atomically (see `MetadataFile`);
/// - `<dir>/snapshot`: the latest snapshot, replaced atomically (see
///   `SnapshotFile`); absent until the first one;
/// - `<dir>/log/<sequence>.wal`: the write-ahead log, checksummed records of
///   entries, truncations and snapshot marks in segment files (see
///   `RecordFormat`, `SegmentName`). Segments whose entries a durable
///   snapshot covers are deleted whole, oldest first.
///
/// Not thread-safe: use it from one dedicated disk thread only (the shell
/// hands it `PersistRequest`s in order and reports `.persisted` after
/// `write` returns). It is `Sendable` only so it can be moved to that thread.
public final class ReplicaStore: @unchecked Sendable {
    let directory: String
    let logDirectory: String
    let options: StoreOptions
    let logger: Logger
    let metadataFile: MetadataFile
    let snapshotFile: SnapshotFile
    /// Where records are appended; `nil` until the first record of a store
    /// with no segment. Always the file of `segments.last`.
    var segment: SegmentFile?
    /// Every segment file, oldest first, with the entries each holds.
    var segments: [SegmentSpan]
    /// The sequence number of the next record written (records are numbered
    /// across segments, and deleting old segments does not renumber them).
    var nextSequence: Int64
    /// The log on disk as the next replay will see it, and the stored snapshot.
    var bounds: LogBounds
    /// The first write failure; every later write refuses with it.
    var failure: StorageError?
    var isClosed = false

    init(directory: String, options: StoreOptions, logger: Logger, recovered: RecoveredLog, snapshot: Snapshot?) throws(StorageError) {
        self.directory = directory
        self.logDirectory = directory + "/log"
        self.options = options
        self.logger = logger
        self.metadataFile = MetadataFile(directory: directory)
        self.snapshotFile = SnapshotFile(directory: directory)
        self.segments = recovered.segments
        self.nextSequence = recovered.replay.nextSequence
        self.bounds = LogBounds(log: recovered.replay.log, snapshot: snapshot)
        if let tail = recovered.tail {
            segment = try SegmentFile.openForAppend(path: tail.path, firstSequence: tail.firstSequence, size: tail.size)
        }
    }

    deinit { close() }

    /// Opens (creating if absent) the data directory, recovers, and returns the
    /// durable state to hand to `Replica.init`. Throws `.corrupted` rather
    /// than start from a log it would have to silently shorten, or from a
    /// damaged snapshot; a torn final write (never acknowledged) is cut away
    /// with a warning, and so is a snapshot replacement that never got renamed.
    public static func open(directory: String, options: StoreOptions = StoreOptions(),
                            logger: Logger = Logger(label: "rotorkv.storage")) throws(StorageError) -> (ReplicaStore, DurableState) {
        let started = ContinuousClock.now
        let metadata = try openMetadata(directory: directory, options: options)
        let snapshotFile = SnapshotFile(directory: directory)
        try snapshotFile.removeLeftoverTemporary()
        let snapshot = try snapshotFile.read()
        let logDirectory = directory + "/log"
        if try FileSystem.makeDirectories(logDirectory), options.fsync == .always { try FileSystem.syncDirectory(directory) }
        var recovered = try LogRecovery.recover(logDirectory: logDirectory, hasSnapshot: snapshot != nil, options: options, logger: logger)
        let markMissing = try SnapshotReconciliation.reconcile(&recovered.replay, with: snapshot, snapshotPath: snapshotFile.path, logger: logger)
        let store = try ReplicaStore(directory: directory, options: options, logger: logger, recovered: recovered, snapshot: snapshot)
        if markMissing, let snapshot { try store.appendSnapshotMark(snapshot) }
        logger.info("recovered replica storage", metadata: [
            "directory": "\(directory)", "entries": "\(recovered.replay.log.count)", "segments": "\(recovered.segments.count)",
            "snapshotIndex": "\(snapshot?.index ?? 0)", "term": "\(metadata.term)", "elapsed": "\(ContinuousClock.now - started)",
        ])
        let state = DurableState(term: metadata.term, status: metadata.status, lastNormalTerm: metadata.lastNormalTerm,
                                 recovering: metadata.recovering, clusterID: metadata.clusterID, snapshot: snapshot,
                                 log: recovered.replay.log)
        return (store, state)
    }

    /// Reads the metadata, creating the directory and initial metadata for a
    /// new replica. A missing metadata file beside a non-empty log or a
    /// snapshot is damage: starting again at term 0 could make the replica
    /// vote twice in a term.
    private static func openMetadata(directory: String, options: StoreOptions) throws(StorageError) -> DurableMetadata {
        if try FileSystem.makeDirectories(directory), options.fsync == .always {
            try FileSystem.syncDirectory(FileSystem.parentDirectory(of: directory))
        }
        let file = MetadataFile(directory: directory)
        try file.removeLeftoverTemporary()
        if let metadata = try file.read() { return metadata }
        if FileSystem.exists(SnapshotFile(directory: directory).path) {
            throw .corrupted(file: file.path, offset: 0, reason: "the metadata file is missing but a snapshot is stored")
        }
        guard try !LogRecovery.holdsRecords(logDirectory: directory + "/log") else {
            throw .corrupted(file: file.path, offset: 0, reason: "the metadata file is missing but the log holds records")
        }
        let metadata = DurableState.initial.metadata
        try file.prepare(metadata, options: options)
        try file.commit(options: options)
        return metadata
    }

    /// Closes the files. Everything `write` returned from is already durable.
    public func close() {
        segment?.close()
        segment = nil
        isClosed = true
    }
}
