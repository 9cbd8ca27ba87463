import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// Damage that is not a torn final write stops `open` with an error naming
/// the file and offset; the store never drops data to get going.
@Suite struct CorruptionTests {
    /// Five single-entry batches in one segment; returns the segment and each record's offset.
    func fiveRecords(_ temp: TempDirectory) throws -> (path: String, offsets: [Int]) {
        let batches = (1...5).map { [request(UInt64($0), [entry(LogIndex($0))])] }
        try writeAll(batches, in: temp.dataDirectory)
        let path = try #require(segmentFiles(temp.logDirectory).first)
        let offsets = (1...5).map { index in (1..<index).map { recordSize(entry(LogIndex($0))) }.reduce(0, +) }
        #expect(fileSize(path) == offsets[4] + recordSize(entry(5)))
        return (path, offsets)
    }

    func flipBit(_ bit: Int, atByte offset: Int, of path: String) {
        var bytes = readFile(path)
        bytes[offset] ^= UInt8(1 << bit)
        writeFile(path, bytes)
    }

    func expectCorruption(_ directory: String, file: String, offset: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = openError(directory)
        guard case let .corrupted(reportedFile, reportedOffset, _)? = error else {
            Issue.record("expected .corrupted, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(reportedFile == file, sourceLocation: sourceLocation)
        #expect(reportedOffset == Int64(offset), sourceLocation: sourceLocation)
        let text = String(describing: error!)
        #expect(text.contains(file) && text.contains("offset \(offset)"), sourceLocation: sourceLocation)
        #expect(text.contains("rebuild"), "tells the operator what to do", sourceLocation: sourceLocation)
    }

    @Test(arguments: [(0, 0), (8, 3), (20, 7), (34, 1)])
    func aFlippedBitInAMiddleRecordIsCorruption(byteInRecord: Int, bit: Int) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (path, offsets) = try fiveRecords(temp)
        flipBit(bit, atByte: offsets[2] + byteInRecord, of: path)
        expectCorruption(temp.dataDirectory, file: path, offset: offsets[2])
    }

    /// The high bit of a length makes it impossible; that is not a torn write either.
    @Test func anImpossibleLengthInAMiddleRecordIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (path, offsets) = try fiveRecords(temp)
        flipBit(7, atByte: offsets[1] + 3, of: path)
        expectCorruption(temp.dataDirectory, file: path, offset: offsets[1])
    }

    @Test func aDamagedLastRecordOfAnEarlierSegmentIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches = (1...3).map { [request(UInt64($0), [entry(LogIndex($0))])] }
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .never, segmentBytes: 1))
        let files = segmentFiles(temp.logDirectory)
        #expect(files.count == 3)
        flipBit(0, atByte: fileSize(files[1]) - 1, of: files[1])
        expectCorruption(temp.dataDirectory, file: files[1], offset: 0)
        // Cut short instead of flipped: still not the last segment, still corruption.
        let bytes = readFile(files[1])
        writeFile(files[1], Array(bytes.dropLast(2)))
        expectCorruption(temp.dataDirectory, file: files[1], offset: 0)
    }

    /// A record with a valid checksum whose entry skips an index: a writer bug
    /// or deliberate damage, never a torn write, even at the very end.
    @Test func aValidRecordThatDoesNotExtendTheLogIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (path, _) = try fiveRecords(temp)
        let size = fileSize(path)
        writeFile(path, readFile(path) + encodedEntryRecord(entry(7)))
        expectCorruption(temp.dataDirectory, file: path, offset: size)
    }

    @Test func aMetadataFileWithABadChecksumIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, metadata: metadata(term: 3), entries(1...2))]], in: temp.dataDirectory)
        flipBit(0, atByte: 8, of: temp.metadataPath)  // the low byte of the term
        let error = openError(temp.dataDirectory)
        guard case .corrupted(temp.metadataPath, _, _)? = error else {
            Issue.record("expected corruption of the metadata, got \(String(describing: error))")
            return
        }
    }

    /// Without its metadata a replica would start again at term 0 and could vote twice in a term.
    @Test func aMissingMetadataFileBesideALogIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, metadata: metadata(term: 3), entries(1...2))]], in: temp.dataDirectory)
        try FileManager.default.removeItem(atPath: temp.metadataPath)
        guard case .corrupted(temp.metadataPath, 0, _)? = openError(temp.dataDirectory) else {
            Issue.record("expected corruption of the metadata")
            return
        }
    }

    /// The record format as documented, encoded independently of the store:
    /// `[u32 length][u32 crc32 of payload][kind 1, index, term, timestamp, data]`.
    @Test func recordsAreTheDocumentedBytes() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let written = LogEntry(index: 1, term: 7, data: [0xAA, 0xBB], timestamp: -5)
        try writeAll([[request(1, [written]), request(2, truncateAfter: 0)]], in: temp.dataDirectory)
        let path = try #require(segmentFiles(temp.logDirectory).first)
        #expect(path.hasSuffix("/log/0000000000000000.wal"))
        var truncation: [UInt8] = [2] + littleEndian(Int64(0))
        truncation = littleEndian(UInt32(truncation.count)) + littleEndian(crc32(truncation)) + truncation
        #expect(readFile(path) == encodedEntryRecord(written) + truncation)
    }
}

func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

func encodedEntryRecord(_ entry: LogEntry) -> [UInt8] {
    let payload = [1] + littleEndian(entry.index) + littleEndian(entry.term) + littleEndian(entry.timestamp) + entry.data
    return littleEndian(UInt32(payload.count)) + littleEndian(crc32(payload)) + payload
}

/// Bitwise CRC-32 (reflected polynomial 0xEDB88320), the zlib checksum.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
    }
    return ~crc
}
