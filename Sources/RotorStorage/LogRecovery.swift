#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import RotorConsensus

/// The log as recovery left it, and where appending continues.
struct RecoveredLog {
    struct Tail {
        var path: String
        var firstSequence: Int64
        var size: Int64
    }

    var replay: LogReplay
    /// Every segment file, in record order.
    var segments: [SegmentSpan]
    /// The last segment, cut to its good records; `nil` if there is none.
    var tail: Tail?
}

/// Reads the segment files of a log directory in order and replays them,
/// cutting a torn final write away. Everything else that is wrong throws.
enum LogRecovery {
    /// `hasSnapshot` says whether segments may be missing at the front:
    /// compaction deletes the oldest segments once a snapshot covers them, so
    /// without a snapshot the first segment must start at record 0.
    static func recover(logDirectory: String, hasSnapshot: Bool, options: StoreOptions, logger: Logger) throws(StorageError) -> RecoveredLog {
        let files = try segmentFiles(in: logDirectory, logger: logger)
        var replay = LogReplay(firstSequence: hasSnapshot ? files.first?.firstSequence ?? 0 : 0)
        var segments: [SegmentSpan] = []
        var tail: RecoveredLog.Tail?
        for (position, segment) in files.enumerated() {
            let path = logDirectory + "/" + segment.name
            try checkSequence(of: segment.firstSequence, path: path, isFirst: position == 0, replay: replay)
            let bytes = try FileSystem.readWholeFile(path) ?? []
            let isLast = position == files.count - 1
            try checkNotEmpty(bytes, path: path, isLast: isLast, logger: logger)
            let end = try bytes.withStorageBytes { raw throws(StorageError) in
                try replay.replay(segment: raw, file: path, isLast: isLast)
            }
            if let reason = end.tornTail {
                try cutTornTail(path: path, at: end.goodBytes, of: bytes.count, reason: reason, options: options, logger: logger)
            }
            segments.append(SegmentSpan(path: path, firstSequence: segment.firstSequence, entryIndices: end.entryIndices))
            tail = RecoveredLog.Tail(path: path, firstSequence: segment.firstSequence, size: Int64(end.goodBytes))
        }
        return RecoveredLog(replay: replay, segments: segments, tail: tail)
    }

    /// Records are numbered across segments, so a missing file shows as a gap.
    private static func checkSequence(of firstSequence: Int64, path: String, isFirst: Bool, replay: LogReplay) throws(StorageError) {
        guard firstSequence != replay.nextSequence else { return }
        if isFirst {
            throw .corrupted(file: path, offset: 0, reason: """
                the first segment starts at record \(firstSequence), and there is no snapshot to stand for the records \
                before it: a segment file is missing or was renamed
                """)
        }
        throw .corrupted(file: path, offset: 0, reason: """
            segment starts at record \(firstSequence) but the segments before it end at record \
            \(replay.nextSequence): a segment file is missing or was renamed
            """)
    }

    /// An empty last segment is a torn write: the crash came after the file
    /// was created and before its first record was synced, so nothing in it
    /// was acknowledged, and appending goes on in it. An empty segment with
    /// others after it lost records that they build on.
    private static func checkNotEmpty(_ bytes: [UInt8], path: String, isLast: Bool, logger: Logger) throws(StorageError) {
        guard bytes.isEmpty else { return }
        guard isLast else {
            throw .corrupted(file: path, offset: 0, reason: "the segment is empty but later segments follow it: its records are lost")
        }
        logger.warning("the last log segment is empty: the write that created it was cut short", metadata: ["file": "\(path)"])
    }

    /// Whether any segment holds a byte: a log without metadata is damage, not a new replica.
    static func holdsRecords(logDirectory: String) throws(StorageError) -> Bool {
        guard FileSystem.exists(logDirectory) else { return false }
        for name in try FileSystem.listDirectory(logDirectory) where SegmentName.firstSequence(of: name) != nil {
            if try FileSystem.fileSize(logDirectory + "/" + name) > 0 { return true }
        }
        return false
    }

    /// The segment files in record order. Other files are left alone, with a warning.
    private static func segmentFiles(in logDirectory: String, logger: Logger) throws(StorageError) -> [(name: String, firstSequence: Int64)] {
        guard FileSystem.exists(logDirectory) else { return [] }
        var segments: [(name: String, firstSequence: Int64)] = []
        for name in try FileSystem.listDirectory(logDirectory) {
            if let first = SegmentName.firstSequence(of: name) {
                segments.append((name, first))
            } else {
                logger.warning("ignoring a file that is not a log segment", metadata: ["file": "\(logDirectory)/\(name)"])
            }
        }
        return segments.sorted { $0.firstSequence < $1.firstSequence }
    }

    /// A write that a crash cut short was never acknowledged (acknowledgement
    /// waits for the sync that covers it), so dropping it loses nothing promised.
    private static func cutTornTail(path: String, at offset: Int, of size: Int, reason: String,
                                    options: StoreOptions, logger: Logger) throws(StorageError) {
        logger.warning("cutting a torn write off the end of the log", metadata: [
            "file": "\(path)", "offset": "\(offset)", "droppedBytes": "\(size - offset)", "reason": "\(reason)",
        ])
        let fd = try FileSystem.openFile(path, flags: O_WRONLY)
        defer { FileSystem.closeFile(fd) }
        try FileSystem.truncate(fd, to: Int64(offset), path: path)
        if options.fsync == .always { try FileSystem.dataSync(fd, path: path) }
    }
}
