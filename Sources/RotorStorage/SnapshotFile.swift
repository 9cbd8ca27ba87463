#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RotorConsensus

/// `<dir>/snapshot`: the latest snapshot, replaced atomically like the
/// metadata (write `snapshot.tmp`, sync it, rename it over, sync the
/// directory), so a crash leaves the old snapshot or the new one, never a mix.
/// The store writes it before any log record that depends on it, and deletes
/// no segment it covers until it is durable.
///
/// Layout (little-endian): a 36-byte header, then the data.
/// - magic "RKVS", format version u32 (1),
/// - index i64, term i64, data length u64,
/// - crc32 u32 of the 32 header bytes before it followed by the data.
///
/// The data is opaque here (the state machine compressed and checksummed it
/// itself); the store's own checksum still covers it, so damage is caught
/// before the state machine is handed anything.
struct SnapshotFile {
    static let magic: [UInt8] = Array("RKVS".utf8)
    static let formatVersion: UInt32 = 1
    static let headerBytes = 36
    static let checksumOffset = 32

    let directory: String
    var path: String { directory + "/snapshot" }
    var temporaryPath: String { directory + "/snapshot.tmp" }

    /// A `snapshot.tmp` is a replacement that never got renamed: the crash
    /// came first, so the old snapshot still stands and the leftover goes.
    func removeLeftoverTemporary() throws(StorageError) {
        try FileSystem.removeFile(temporaryPath)
    }

    /// Step 1: writes (and, under `.always`, syncs) `snapshot.tmp`: the header,
    /// then the data straight from the snapshot's own buffer (no second copy of
    /// a snapshot that may be hundreds of megabytes). A failure here leaves the
    /// old snapshot in force; the partial temporary file is removed.
    func prepare(_ snapshot: Snapshot, options: StoreOptions) throws(StorageError) {
        do throws(StorageError) {
            let fd = try FileSystem.openFile(temporaryPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
            defer { FileSystem.closeFile(fd) }
            try write(snapshot, to: fd, options: options)
            if options.fsync == .always {
                if let fault = options.faultInjector?(.snapshotSync) {
                    throw .io(operation: "fdatasync (injected fault)", path: temporaryPath, errno: fault.errno)
                }
                try FileSystem.dataSync(fd, path: temporaryPath)
            }
        } catch {
            try? FileSystem.removeFile(temporaryPath)
            throw error
        }
    }

    private func write(_ snapshot: Snapshot, to fd: Int32, options: StoreOptions) throws(StorageError) {
        let header = Self.header(for: snapshot)
        try header.withStorageBytes { head throws(StorageError) in
            try snapshot.data.withStorageBytes { data throws(StorageError) in
                if let fault = options.faultInjector?(.snapshotWrite(bytes: head.count + data.count)) {
                    let headPart = min(fault.bytesWrittenFirst, head.count)
                    let dataPart = min(fault.bytesWrittenFirst - headPart, data.count)
                    try FileSystem.writeAll(fd, UnsafeRawBufferPointer(rebasing: head.prefix(headPart)), at: 0, path: temporaryPath)
                    try FileSystem.writeAll(fd, UnsafeRawBufferPointer(rebasing: data.prefix(dataPart)), at: Int64(head.count), path: temporaryPath)
                    throw .io(operation: "write (injected fault)", path: temporaryPath, errno: fault.errno)
                }
                try FileSystem.writeAll(fd, head, at: 0, path: temporaryPath)
                try FileSystem.writeAll(fd, data, at: Int64(head.count), path: temporaryPath)
            }
        }
    }

    /// Step 2: renames `snapshot.tmp` over `snapshot` and syncs the directory.
    /// After a failure here either file may be the one in force.
    func commit(options: StoreOptions) throws(StorageError) {
        try FileSystem.renameFile(temporaryPath, to: path)
        if options.fsync == .always { try FileSystem.syncDirectory(directory) }
    }

    /// The stored snapshot, or `nil` if there is none. Anything short,
    /// damaged or malformed throws `.corrupted`: a snapshot stands in for the
    /// log entries it covers, which may be gone, so it is never skipped.
    func read() throws(StorageError) -> Snapshot? {
        let fd: Int32
        do { fd = try FileSystem.openFile(path, flags: O_RDONLY) } catch {
            if case .io(_, _, ENOENT) = error { return nil }
            throw error
        }
        defer { FileSystem.closeFile(fd) }
        let size = try FileSystem.size(of: fd, path: path)
        let header = try FileSystem.readBytes(fd, count: Self.headerBytes, at: 0, path: path)
        let fields = try header.withStorageBytes { raw throws(StorageError) in try decodeHeader(raw, fileSize: size) }
        let data = try FileSystem.readBytes(fd, count: fields.dataLength, at: Int64(Self.headerBytes), path: path)
        guard data.count == fields.dataLength else {
            throw corrupted(Int64(Self.headerBytes + data.count), "the file ended while its data was being read (it shrank under the store)")
        }
        let computed = data.withUnsafeBytes { Checksum.crc32($0, continuing: fields.headerChecksum) }
        guard computed == fields.storedChecksum else {
            throw corrupted(Int64(Self.checksumOffset), """
                snapshot checksum mismatch (stored \(RecordFormat.hex(fields.storedChecksum)), computed \(RecordFormat.hex(computed)))
                """)
        }
        guard fields.index >= 1, fields.term >= 0 else {
            throw corrupted(8, "snapshot through index \(fields.index) of term \(fields.term) (its checksum is valid: this is not a torn write)")
        }
        return Snapshot(index: fields.index, term: fields.term, data: data)
    }

    private struct HeaderFields {
        var index: LogIndex
        var term: Term
        var dataLength: Int
        var storedChecksum: UInt32
        /// The CRC of the 32 header bytes before the checksum, to continue over the data.
        var headerChecksum: UInt32
    }

    /// Checks everything the header alone can tell, before any data is read:
    /// in particular that the file is exactly as long as the header says, so
    /// a damaged length never makes the store allocate nonsense.
    private func decodeHeader(_ bytes: UnsafeRawBufferPointer, fileSize: Int64) throws(StorageError) -> HeaderFields {
        func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        guard bytes.count == Self.headerBytes else {
            throw corrupted(Int64(bytes.count), "the snapshot file is \(bytes.count) bytes, shorter than its \(Self.headerBytes)-byte header")
        }
        guard bytes.prefix(4).elementsEqual(Self.magic) else { throw corrupted(0, "not a RotorKV snapshot file (bad magic)") }
        let version = load(4, as: UInt32.self)
        guard version == Self.formatVersion else {
            throw corrupted(4, "unsupported snapshot format version \(version) (this build reads \(Self.formatVersion))")
        }
        let declared = load(24, as: UInt64.self)
        let held = UInt64(fileSize - Int64(Self.headerBytes))
        guard declared == held else {
            let offset = declared < held ? Int64(Self.headerBytes) + Int64(declared) : fileSize
            let shape = declared < held ? "has \(held - declared) bytes more" : "was cut short"
            throw corrupted(offset, "the header declares \(declared) data bytes but the file holds \(held): it \(shape)")
        }
        return HeaderFields(index: load(8, as: Int64.self), term: load(16, as: Int64.self), dataLength: Int(declared),
                            storedChecksum: load(Self.checksumOffset, as: UInt32.self),
                            headerChecksum: Checksum.crc32(UnsafeRawBufferPointer(rebasing: bytes[..<Self.checksumOffset])))
    }

    /// The header of `snapshot`, its checksum computed over the data in place.
    static func header(for snapshot: Snapshot) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(headerBytes)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(formatVersion)
        append(snapshot.index)
        append(snapshot.term)
        append(UInt64(snapshot.data.count))
        let headerCrc = bytes.withUnsafeBytes { Checksum.crc32($0) }
        append(snapshot.data.withUnsafeBytes { Checksum.crc32($0, continuing: headerCrc) })
        return bytes
    }

    private func corrupted(_ offset: Int64, _ reason: String) -> StorageError {
        .corrupted(file: path, offset: offset, reason: reason)
    }
}
