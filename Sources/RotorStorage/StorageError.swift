#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the replica's disk refused to open or to write. A replica that gets one
/// of these from `write` must stop acknowledging: what it promised may not be
/// on disk.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// A system call failed; `errno` is the value it set.
    case io(operation: String, path: String, errno: Int32)
    /// A file holds bytes that are not what this store wrote, or a file the
    /// others depend on is missing (a segment, the snapshot, the metadata).
    /// `offset` is the byte offset in `file` of the first damaged record or
    /// field (0 when the problem is the file as a whole).
    case corrupted(file: String, offset: Int64, reason: String)
    /// The caller asked for something the log cannot represent (entries that
    /// do not extend the log, an oversize entry, a snapshot older than the
    /// stored one, a truncation into the snapshot or compaction past it);
    /// nothing of the batch was written.
    case invalidRequest(String)
    /// An earlier write failed, so the store refuses every later one: after a
    /// failed write nobody knows which of its bytes reached the disk.
    case storeFailed(cause: String)
    /// `write` after `close`.
    case closed

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "storage I/O error: \(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .corrupted(file, offset, reason):
            return """
                storage corrupted: \(file) at byte offset \(offset): \(reason). \
                The replica refuses to start rather than silently drop acknowledged data. \
                Keep a copy of the data directory for diagnosis, do not edit or truncate the file by hand, \
                and rebuild this replica's data directory from a healthy replica.
                """
        case let .invalidRequest(reason):
            return "storage request rejected (nothing written): \(reason)"
        case let .storeFailed(cause):
            return "storage unusable after an earlier write failure (\(cause)); restart the replica to recover from disk"
        case .closed:
            return "storage already closed"
        }
    }
}
