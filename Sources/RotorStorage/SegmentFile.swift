#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Segment files are `<dir>/log/<16-digit sequence>.wal`, named after the
/// sequence number of their first record. Records are numbered across all
/// segments, so recovery can tell that no file in the middle went missing.
/// Compaction deletes segments from the front only, and the numbering goes
/// on from the last segment, which is never deleted.
enum SegmentName {
    static let suffix = ".wal"
    static let digits = 16

    static func fileName(firstSequence: Int64) -> String {
        let number = String(firstSequence)
        return String(repeating: "0", count: max(0, digits - number.count)) + number + suffix
    }

    /// The first sequence number a segment file name encodes, or `nil` if the
    /// name is not a segment's.
    static func firstSequence(of name: String) -> Int64? {
        guard name.hasSuffix(suffix) else { return nil }
        let number = name.dropLast(suffix.count)
        guard number.count == digits, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(number)
    }
}

/// The segment the store appends to. It owns its file descriptor; only the
/// store's disk thread touches it.
final class SegmentFile {
    let path: String
    let firstSequence: Int64
    /// Bytes of whole records in the file; the next record goes here.
    private(set) var size: Int64
    private var fd: Int32

    private init(path: String, firstSequence: Int64, size: Int64, fd: Int32) {
        self.path = path
        self.firstSequence = firstSequence
        self.size = size
        self.fd = fd
    }

    deinit { close() }

    /// Opens an existing segment whose first `size` bytes are good records.
    static func openForAppend(path: String, firstSequence: Int64, size: Int64) throws(StorageError) -> SegmentFile {
        let fd = try FileSystem.openFile(path, flags: O_WRONLY)
        return SegmentFile(path: path, firstSequence: firstSequence, size: size, fd: fd)
    }

    /// Creates a new, empty segment. Under `.always` the directory is synced
    /// so the file's name survives a power cut along with what gets synced into it.
    static func create(in directory: String, firstSequence: Int64, options: StoreOptions) throws(StorageError) -> SegmentFile {
        let path = directory + "/" + SegmentName.fileName(firstSequence: firstSequence)
        let fd = try FileSystem.openFile(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        let segment = SegmentFile(path: path, firstSequence: firstSequence, size: 0, fd: fd)
        if options.fsync == .always { try FileSystem.syncDirectory(directory) }
        return segment
    }

    /// Writes `bytes` after the last record with one write(2) (retried if short).
    /// On failure `size` is unchanged and the bytes past it are garbage to cut with `truncate`.
    func append(_ bytes: [UInt8], options: StoreOptions) throws(StorageError) {
        try bytes.withStorageBytes { raw throws(StorageError) in
            if let fault = options.faultInjector?(.logWrite(bytes: raw.count)) {
                let partial = UnsafeRawBufferPointer(rebasing: raw.prefix(min(fault.bytesWrittenFirst, raw.count)))
                try FileSystem.writeAll(fd, partial, at: size, path: path)
                throw .io(operation: "write (injected fault)", path: path, errno: fault.errno)
            }
            try FileSystem.writeAll(fd, raw, at: size, path: path)
        }
        size += Int64(bytes.count)
    }

    func sync(options: StoreOptions) throws(StorageError) {
        if let fault = options.faultInjector?(.logSync) {
            throw .io(operation: "fdatasync (injected fault)", path: path, errno: fault.errno)
        }
        try FileSystem.dataSync(fd, path: path)
    }

    /// Cuts the file back to `length` bytes (syncing under `.always`): undoes a failed append.
    func truncate(to length: Int64, options: StoreOptions) throws(StorageError) {
        try FileSystem.truncate(fd, to: length, path: path)
        size = length
        if options.fsync == .always { try FileSystem.dataSync(fd, path: path) }
    }

    func close() {
        if fd >= 0 { FileSystem.closeFile(fd) }
        fd = -1
    }
}
