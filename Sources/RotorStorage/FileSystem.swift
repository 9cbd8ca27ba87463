#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin throwing wrappers over the POSIX calls the store makes. Each error
/// names the call and the path, which is what an operator needs to act on it.
enum FileSystem {
    static func openFile(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(StorageError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .io(operation: "open", path: path, errno: errno) }
        }
    }

    static func closeFile(_ fd: Int32) {
        _ = close(fd)  // Nothing useful to do on failure: every write that mattered was synced first.
    }

    static func size(of fd: Int32, path: String) throws(StorageError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    static func fileSize(_ path: String) throws(StorageError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    /// The whole content of `path`, or `nil` if it does not exist.
    static func readWholeFile(_ path: String) throws(StorageError) -> [UInt8]? {
        let fd: Int32
        do { fd = try openFile(path, flags: O_RDONLY) } catch {
            if case .io(_, _, ENOENT) = error { return nil }
            throw error
        }
        defer { closeFile(fd) }
        let count = Int(try size(of: fd, path: path))
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let got = read(fd, buffer.baseAddress! + initialized, count - initialized)
                if got > 0 { initialized += got } else if got == 0 { break } else if errno != EINTR { failure = errno; break }
            }
        }
        if failure != 0 { throw .io(operation: "read", path: path, errno: failure) }
        return bytes
    }

    /// Up to `count` bytes from `offset` (fewer only where the file ends),
    /// read straight into the returned array: a large file costs one copy in memory.
    static func readBytes(_ fd: Int32, count: Int, at offset: Int64, path: String) throws(StorageError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let got = pread(fd, buffer.baseAddress! + initialized, count - initialized, off_t(offset) + off_t(initialized))
                if got > 0 { initialized += got } else if got == 0 { break } else if errno != EINTR { failure = errno; break }
            }
        }
        if failure != 0 { throw .io(operation: "read", path: path, errno: failure) }
        return bytes
    }

    /// Writes all of `bytes` at `offset`, retrying short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let wrote = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if wrote >= 0 { done += wrote } else if errno != EINTR { throw .io(operation: "write", path: path, errno: errno) }
        }
    }

    static func dataSync(_ fd: Int32, path: String) throws(StorageError) {
        #if canImport(Glibc)
        let status = fdatasync(fd)
        #else
        let status = fsync(fd)
        #endif
        guard status == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    static func truncate(_ fd: Int32, to length: Int64, path: String) throws(StorageError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
    }

    /// fsyncs a directory, making the creations and renames inside it durable.
    static func syncDirectory(_ path: String) throws(StorageError) {
        let fd = try openFile(path, flags: O_RDONLY | O_DIRECTORY)
        defer { closeFile(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync directory", path: path, errno: errno) }
    }

    static func renameFile(_ from: String, to: String) throws(StorageError) {
        guard rename(from, to) == 0 else { throw .io(operation: "rename to \(to)", path: from, errno: errno) }
    }

    /// Removes `path` if it exists.
    static func removeFile(_ path: String) throws(StorageError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "unlink", path: path, errno: errno) }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates `path` and any missing parents; returns whether `path` itself was created.
    @discardableResult
    static func makeDirectories(_ path: String) throws(StorageError) -> Bool {
        if exists(path) { return false }
        let parent = parentDirectory(of: path)
        if parent != path { try makeDirectories(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .io(operation: "mkdir", path: path, errno: errno) }
        return true
    }

    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The names of the entries of a directory, without "." and "..".
    static func listDirectory(_ path: String) throws(StorageError) -> [String] {
        guard let dir = opendir(path) else { throw .io(operation: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies that throw `StorageError` (the standard
    /// one is `rethrows`, which loses the typed error).
    func withStorageBytes<R>(_ body: (UnsafeRawBufferPointer) throws(StorageError) -> R) throws(StorageError) -> R {
        try withUnsafeBytes { raw in Result { () throws(StorageError) in try body(raw) } }.get()
    }
}
