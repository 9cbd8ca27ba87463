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

    var log: [LogEntry]
    var nextSequence: Int64
    var segmentCount: Int
    /// The last segment, cut to its good records; `nil` if there is none.
    var tail: Tail?
}

/// Reads the segment files of a log directory in order and replays them,
/// cutting a torn final write away. Everything else that is wrong throws.
enum LogRecovery {
    static func recover(logDirectory: String, options: StoreOptions, logger: Logger) throws(StorageError) -> RecoveredLog {
        let segments = try segmentFiles(in: logDirectory, logger: logger)
        var replay = LogReplay()
        var tail: RecoveredLog.Tail?
        for (position, segment) in segments.enumerated() {
            let path = logDirectory + "/" + segment.name
            guard segment.firstSequence == replay.nextSequence else {
                throw .corrupted(file: path, offset: 0, reason: """
                    segment starts at record \(segment.firstSequence) but the segments before it end at record \
                    \(replay.nextSequence): a segment file is missing or was renamed
                    """)
            }
            let bytes = try FileSystem.readWholeFile(path) ?? []
            let isLast = position == segments.count - 1
            let end = try bytes.withStorageBytes { raw throws(StorageError) in
                try replay.replay(segment: raw, file: path, isLast: isLast)
            }
            if let reason = end.tornTail {
                try cutTornTail(path: path, at: end.goodBytes, of: bytes.count, reason: reason, options: options, logger: logger)
            }
            tail = RecoveredLog.Tail(path: path, firstSequence: segment.firstSequence, size: Int64(end.goodBytes))
        }
        return RecoveredLog(log: replay.log, nextSequence: replay.nextSequence, segmentCount: segments.count, tail: tail)
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
