#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RotorConsensus

/// `<dir>/metadata`: term, status, last normal term, the recovering flag and the cluster id,
/// replaced atomically (write `metadata.tmp`, sync it, rename it over, sync
/// the directory) so a crash leaves either the old or the new file, never a mix.
///
/// Layout of format version 3 (44 bytes, little-endian): magic "RKVM",
/// format version u32, term i64, lastNormalTerm i64, status u32 (0 normal,
/// 1 view change), flags u32 (bit 0: recovering; the other bits are 0),
/// cluster id u64 (0: not known yet), crc32 of the 40 bytes before it.
///
/// Version 2 (36 bytes: the same without the cluster id) is still read, with
/// cluster id 0; so is version 1 (32 bytes: without the flags word either),
/// as not recovering: a directory written before the flag existed belongs to
/// a replica that was never rebuilding it.
struct MetadataFile {
    static let magic: [UInt8] = Array("RKVM".utf8)
    static let formatVersion: UInt32 = 3
    static let size = 44
    static let recoveringFlag: UInt32 = 1

    /// Where the fields of each version sit: the layouts differ only by the
    /// flags word before the checksum.
    private struct Layout {
        var version: UInt32
        var size: Int
        var flagsOffset: Int?
        var clusterOffset: Int?
        var checksumOffset: Int { size - 4 }

        static let version1 = Layout(version: 1, size: 32, flagsOffset: nil, clusterOffset: nil)
        static let version2 = Layout(version: 2, size: 36, flagsOffset: 28, clusterOffset: nil)
        static let version3 = Layout(version: 3, size: 44, flagsOffset: 28, clusterOffset: 32)
    }

    let directory: String
    var path: String { directory + "/metadata" }
    var temporaryPath: String { directory + "/metadata.tmp" }

    /// The stored metadata, or `nil` if the file does not exist.
    func read() throws(StorageError) -> DurableMetadata? {
        guard let bytes = try FileSystem.readWholeFile(path) else { return nil }
        return try bytes.withStorageBytes { raw throws(StorageError) in try decode(raw) }
    }

    /// A `metadata.tmp` is a replacement that never got renamed: the crash
    /// came first, so the old file still stands and the leftover goes.
    func removeLeftoverTemporary() throws(StorageError) {
        try FileSystem.removeFile(temporaryPath)
    }

    /// Step 1: writes (and, under `.always`, syncs) `metadata.tmp`. A failure
    /// here leaves the old metadata in force.
    func prepare(_ metadata: DurableMetadata, options: StoreOptions) throws(StorageError) {
        let bytes = Self.encode(metadata)
        let fd = try FileSystem.openFile(temporaryPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
        defer { FileSystem.closeFile(fd) }
        if let fault = options.faultInjector?(.metadataWrite) {
            throw .io(operation: "write (injected fault)", path: temporaryPath, errno: fault.errno)
        }
        try bytes.withStorageBytes { raw throws(StorageError) in try FileSystem.writeAll(fd, raw, at: 0, path: temporaryPath) }
        if options.fsync == .always { try FileSystem.dataSync(fd, path: temporaryPath) }
    }

    /// Step 2: renames `metadata.tmp` over `metadata` and syncs the directory.
    /// After a failure here either file may be the one in force.
    func commit(options: StoreOptions) throws(StorageError) {
        try FileSystem.renameFile(temporaryPath, to: path)
        if options.fsync == .always { try FileSystem.syncDirectory(directory) }
    }

    /// The bytes of the current format version.
    static func encode(_ metadata: DurableMetadata) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(size)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(formatVersion)
        append(metadata.term)
        append(metadata.lastNormalTerm)
        append(UInt32(metadata.status == .normal ? 0 : 1))
        append(metadata.recovering ? recoveringFlag : 0)
        append(metadata.clusterID)
        let crc = bytes.withUnsafeBytes { Checksum.crc32($0) }
        append(crc)
        return bytes
    }

    /// Reads either version. The size picks the layout, so that a flipped bit
    /// anywhere but in the size itself shows up as a checksum mismatch.
    func decode(_ bytes: UnsafeRawBufferPointer) throws(StorageError) -> DurableMetadata {
        func corrupted(_ offset: Int, _ reason: String) -> StorageError { .corrupted(file: path, offset: Int64(offset), reason: reason) }
        func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        guard let layout = [Layout.version1, .version2, .version3].first(where: { $0.size == bytes.count }) else {
            throw corrupted(0, "metadata file is \(bytes.count) bytes, expected \(Layout.version3.size) (or \(Layout.version2.size) or "
                            + "\(Layout.version1.size) for format versions 2 and 1)")
        }
        guard bytes.prefix(4).elementsEqual(Self.magic) else { throw corrupted(0, "not a RotorKV metadata file (bad magic)") }
        let stored = load(layout.checksumOffset, as: UInt32.self)
        let computed = Checksum.crc32(UnsafeRawBufferPointer(rebasing: bytes[..<layout.checksumOffset]))
        guard stored == computed else {
            throw corrupted(layout.checksumOffset, "metadata checksum mismatch (stored \(RecordFormat.hex(stored)), computed \(RecordFormat.hex(computed)))")
        }
        let version = load(4, as: UInt32.self)
        guard version == layout.version else {
            throw corrupted(4, "metadata format version \(version) in a file of \(bytes.count) bytes, the size of version \(layout.version)")
        }
        let statusCode = load(24, as: UInt32.self)
        guard statusCode <= 1 else { throw corrupted(24, "unknown status code \(statusCode)") }
        var recovering = false
        if let flagsOffset = layout.flagsOffset {
            let flags = load(flagsOffset, as: UInt32.self)
            guard flags & ~Self.recoveringFlag == 0 else { throw corrupted(flagsOffset, "unknown metadata flags \(RecordFormat.hex(flags))") }
            recovering = flags & Self.recoveringFlag != 0
        }
        let cluster = layout.clusterOffset.map { load($0, as: UInt64.self) } ?? 0
        return DurableMetadata(term: load(8, as: Int64.self), status: statusCode == 0 ? .normal : .viewChange,
                               lastNormalTerm: load(16, as: Int64.self), recovering: recovering, clusterID: cluster)
    }
}
