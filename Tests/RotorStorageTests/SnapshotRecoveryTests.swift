import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// Damage to `<dir>/snapshot`, crashes around storing it, and lost segments
/// after compaction: open either recovers what a crash could leave or stops
/// with `.corrupted` naming the file; it never starts from less than it stored.
@Suite struct SnapshotRecoveryTests {
    /// Entries 1...30 in ten segments, then a snapshot through 20 that
    /// deletes the first six, then entries 31...33.
    let batches: [[PersistRequest]] = SnapshotTests.threeEntryBatches(10)
        + [[request(20, snapshot: snapshot(20, bytes: 3000), compactThrough: 20)]]
        + SnapshotTests.threeEntryBatches(1, from: 10)

    func compactedStore(_ temp: TempDirectory) throws -> DurableState {
        try writeAll(batches, in: temp.dataDirectory, options: SnapshotTests.smallSegments)
        return try reopen(temp.dataDirectory)
    }

    func expectCorruption(_ directory: String, file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = openError(directory)
        guard case let .corrupted(reported, _, _)? = error else {
            Issue.record("expected .corrupted, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(reported == file, sourceLocation: sourceLocation)
        #expect(String(describing: error!).contains("rebuild"), "tells the operator what to do", sourceLocation: sourceLocation)
    }

    /// The header as documented, encoded independently of the store, then the data.
    @Test func theSnapshotFileIsTheDocumentedBytes() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let stored = Snapshot(index: 42, term: 7, data: [1, 2, 3, 4, 5])
        try writeAll([[request(1, snapshot: stored)]], in: temp.dataDirectory)
        var header = Array("RKVS".utf8) + littleEndian(UInt32(1)) + littleEndian(Int64(42)) + littleEndian(Int64(7)) + littleEndian(UInt64(5))
        header += littleEndian(crc32(header + stored.data))
        #expect(readFile(temp.snapshotPath) == header + stored.data)
        // Its mark in the log: [u32 length][u32 crc32][kind 3, index, term].
        let mark: [UInt8] = [3] + littleEndian(Int64(42)) + littleEndian(Int64(7))
        let segment = try #require(segmentFiles(temp.logDirectory).first)
        #expect(readFile(segment) == littleEndian(UInt32(mark.count)) + littleEndian(crc32(mark)) + mark)
    }

    /// A large snapshot goes through whole (the write loops over short writes).
    @Test func aLargeSnapshotRoundTrips() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let large = snapshot(5, bytes: 8 << 20)
        let batches: [[PersistRequest]] = [[request(1, entries(1...5))], [request(2, snapshot: large, compactThrough: 5)]]
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .always))
        #expect(fileSize(temp.snapshotPath) == 36 + large.data.count)
        expectSameModuloCompaction(try reopen(temp.dataDirectory), applied(batches))
    }

    /// A flipped bit anywhere in the file: in the index, term, length, checksum or data.
    @Test(arguments: [0, 5, 9, 17, 26, 33, 36, 1000, 3035])
    func aFlippedBitInTheSnapshotIsCorruption(byte: Int) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        _ = try compactedStore(temp)
        var bytes = readFile(temp.snapshotPath)
        #expect(bytes.count == 36 + 3000)
        bytes[byte] ^= 0x10
        writeFile(temp.snapshotPath, bytes)
        expectCorruption(temp.dataDirectory, file: temp.snapshotPath)
    }

    /// A snapshot file cut short (or grown) never opens, wherever the cut is.
    @Test(arguments: [0, 10, 35, 36, 2000, 3035, 3037])
    func aSnapshotFileOfTheWrongLengthIsCorruption(length: Int) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        _ = try compactedStore(temp)
        let bytes = readFile(temp.snapshotPath)
        writeFile(temp.snapshotPath, length <= bytes.count ? Array(bytes[..<length]) : bytes + [0])
        expectCorruption(temp.dataDirectory, file: temp.snapshotPath)
    }

    /// A crash between writing `snapshot.tmp` and renaming it leaves the old snapshot in force.
    @Test func aLeftoverTemporarySnapshotIsIgnoredAndRemoved() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let before = try compactedStore(temp)
        let tmp = temp.snapshotPath + ".tmp"
        writeFile(tmp, Array(readFile(temp.snapshotPath).prefix(1000)))
        #expect(try reopen(temp.dataDirectory) == before)
        #expect(!fileExists(tmp))
        // And without any snapshot yet.
        let fresh = TempDirectory()
        defer { fresh.cleanUp() }
        try writeAll([[request(1, entries(1...3))]], in: fresh.dataDirectory)
        writeFile(fresh.snapshotPath + ".tmp", Array("half a snapshot".utf8))
        #expect(try reopen(fresh.dataDirectory) == applied([[request(1, entries(1...3))]]))
        #expect(!fileExists(fresh.snapshotPath + ".tmp"))
    }

    /// The snapshot stands for compacted entries: without it the log's front is gone.
    @Test func aMissingSnapshotFileIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        _ = try compactedStore(temp)
        try FileManager.default.removeItem(atPath: temp.snapshotPath)
        let error = openError(temp.dataDirectory)
        guard case .corrupted? = error else {
            Issue.record("expected .corrupted, got \(String(describing: error))")
            return
        }
    }

    /// Even with no segment deleted yet, the log's mark says a snapshot was stored.
    @Test func aMissingSnapshotFileBesideItsMarkIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, entries(1...5))], [request(2, snapshot: snapshot(5), compactThrough: 5)]], in: temp.dataDirectory)
        try FileManager.default.removeItem(atPath: temp.snapshotPath)
        expectCorruption(temp.dataDirectory, file: temp.snapshotPath)
    }

    /// An older snapshot file put back (say, from a backup) under a log that recorded a newer one.
    @Test func aStaleSnapshotFileIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches: [[PersistRequest]] = [[request(1, entries(1...10))], [request(2, snapshot: snapshot(4), compactThrough: 4)]]
        try writeAll(batches, in: temp.dataDirectory)
        let older = readFile(temp.snapshotPath)
        try writeAll([[request(3, snapshot: snapshot(8), compactThrough: 8)]], in: temp.dataDirectory)
        writeFile(temp.snapshotPath, older)
        expectCorruption(temp.dataDirectory, file: temp.snapshotPath)
    }

    /// A crash after the new snapshot was renamed into place but before its
    /// mark reached the log, in a state transfer whose log ends before the
    /// snapshot: open drops that log (as `PersistRequest.apply` does; the
    /// snapshot covers every dropped entry) and records the mark, so entries
    /// appended after the snapshot replay on every later open.
    @Test func aSnapshotWhoseMarkACrashLostStillDropsTheLogItReplaces() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let before: [[PersistRequest]] = [[request(1, metadata: metadata(term: 1), entries(1...10))]]
        try writeAll(before, in: temp.dataDirectory)
        let installed = snapshot(20, term: 2)
        try writeSnapshotFileAlone(installed, into: temp.dataDirectory)

        var expected = applied(before)
        request(2, snapshot: installed).apply(to: &expected)
        #expect(expected.log.isEmpty)
        #expect(try reopen(temp.dataDirectory) == expected)
        let after: [[PersistRequest]] = [[request(3, entries(21...22, term: 2))]]
        try writeAll(after, in: temp.dataDirectory)
        #expect(try reopen(temp.dataDirectory) == applied(after, to: expected))
    }

    /// The same crash, when the log reaches the snapshot: nothing to drop.
    @Test func aSnapshotWhoseMarkACrashLostKeepsALogThatReachesIt() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let before: [[PersistRequest]] = [[request(1, entries(1...10))]]
        try writeAll(before, in: temp.dataDirectory)
        try writeSnapshotFileAlone(snapshot(6), into: temp.dataDirectory)
        let recovered = try reopen(temp.dataDirectory)
        #expect(recovered.log == entries(1...10))
        #expect(recovered.snapshot == snapshot(6))
    }

    /// A snapshot file as a crash right after its rename leaves it: written
    /// by a scratch store, copied in without its mark.
    func writeSnapshotFileAlone(_ stored: Snapshot, into directory: String) throws {
        let scratch = TempDirectory()
        defer { scratch.cleanUp() }
        try writeAll([[request(1, snapshot: stored)]], in: scratch.dataDirectory)
        writeFile(directory + "/snapshot", readFile(scratch.snapshotPath))
    }

    /// Compaction deletes only segments the snapshot covers. A segment that
    /// held entries after the snapshot and is gone lost acknowledged entries:
    /// open refuses rather than start from the snapshot alone.
    @Test func aLostSegmentAfterTheSnapshotIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        _ = try compactedStore(temp)
        let files = segmentFiles(temp.logDirectory)
        #expect((files.first as NSString?)?.lastPathComponent == String(format: "%016d.wal", 18), "entries 19...21 come first")
        try FileManager.default.removeItem(atPath: files[0])  // entries 19...21: 21 is past the snapshot
        expectCorruption(temp.dataDirectory, file: files[1])
    }

    /// A zero-length last segment after compaction is a torn write like any other.
    @Test func aZeroLengthLastSegmentAfterCompactionIsATornWrite() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let more = [[request(40, entries(34...36))]]
        try writeAll(batches + more, in: temp.dataDirectory, options: SnapshotTests.smallSegments)
        let last = try #require(segmentFiles(temp.logDirectory).last)
        #expect(truncate(last, 0) == 0)
        expectSameModuloCompaction(try reopen(temp.dataDirectory), applied(batches))
    }

    /// A zero-length segment before the last is corruption naming it, with or without compaction.
    @Test func aZeroLengthMiddleSegmentAfterCompactionIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        _ = try compactedStore(temp)
        let files = segmentFiles(temp.logDirectory)
        #expect(truncate(files[1], 0) == 0)
        expectCorruption(temp.dataDirectory, file: files[1])
    }
}
