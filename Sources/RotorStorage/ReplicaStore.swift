import Logging
import RotorConsensus

/// One replica's disk: a checksummed write-ahead log of entries and
/// truncations in `<dir>/log/*.wal`, plus `<dir>/metadata` (term, status,
/// last normal term) replaced atomically.
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
    /// Where records are appended; `nil` until the first record of a store with no segment.
    var segment: SegmentFile?
    /// The sequence number of the next record written (records are numbered across segments).
    var nextSequence: Int64
    /// The index of the last entry of the log on disk.
    var lastIndex: LogIndex
    /// The first write failure; every later write refuses with it.
    var failure: StorageError?
    var isClosed = false

    init(directory: String, options: StoreOptions, logger: Logger, recovered: RecoveredLog) throws(StorageError) {
        self.directory = directory
        self.logDirectory = directory + "/log"
        self.options = options
        self.logger = logger
        self.metadataFile = MetadataFile(directory: directory)
        self.nextSequence = recovered.nextSequence
        self.lastIndex = LogIndex(recovered.log.count)
        if let tail = recovered.tail {
            segment = try SegmentFile.openForAppend(path: tail.path, firstSequence: tail.firstSequence, size: tail.size)
        }
    }

    deinit { close() }

    /// Opens (creating if absent) the data directory, recovers, and returns the
    /// durable state to hand to `Replica.init`. Throws `.corrupted` rather
    /// than start from a log it would have to silently shorten; a torn final
    /// write (never acknowledged) is cut away with a warning.
    public static func open(directory: String, options: StoreOptions = StoreOptions(),
                            logger: Logger = Logger(label: "rotorkv.storage")) throws(StorageError) -> (ReplicaStore, DurableState) {
        let started = ContinuousClock.now
        let metadata = try openMetadata(directory: directory, options: options)
        let logDirectory = directory + "/log"
        if try FileSystem.makeDirectories(logDirectory), options.fsync == .always { try FileSystem.syncDirectory(directory) }
        let recovered = try LogRecovery.recover(logDirectory: logDirectory, options: options, logger: logger)
        let store = try ReplicaStore(directory: directory, options: options, logger: logger, recovered: recovered)
        logger.info("recovered replica storage", metadata: [
            "directory": "\(directory)", "entries": "\(recovered.log.count)", "segments": "\(recovered.segmentCount)",
            "term": "\(metadata.term)", "elapsed": "\(ContinuousClock.now - started)",
        ])
        let state = DurableState(term: metadata.term, status: metadata.status, lastNormalTerm: metadata.lastNormalTerm,
                                 recovering: metadata.recovering, log: recovered.log)
        return (store, state)
    }

    /// Reads the metadata, creating the directory and initial metadata for a
    /// new replica. A missing metadata file beside a non-empty log is damage:
    /// starting again at term 0 could make the replica vote twice in a term.
    private static func openMetadata(directory: String, options: StoreOptions) throws(StorageError) -> DurableMetadata {
        if try FileSystem.makeDirectories(directory), options.fsync == .always {
            try FileSystem.syncDirectory(FileSystem.parentDirectory(of: directory))
        }
        let file = MetadataFile(directory: directory)
        try file.removeLeftoverTemporary()
        if let metadata = try file.read() { return metadata }
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
