import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// Segment files: rotation, naming, and empty files.
@Suite struct SegmentTests {
    /// Ten batches of three small entries (43- or 44-byte records), for 100-byte segments.
    let batches: [[PersistRequest]] = (0..<10).map { batch in
        let first = LogIndex(batch * 3 + 1)
        return [request(UInt64(batch + 1), entries(first...first + 2))]
    }

    @Test func smallSegmentsRotateAndReopen() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .always, segmentBytes: 100))
        let files = segmentFiles(temp.logDirectory)
        // A batch (over 128 bytes) fills a segment past 100 bytes, so each batch gets its own.
        #expect(files.map { ($0 as NSString).lastPathComponent } == (0..<10).map { String(format: "%016d.wal", $0 * 3) })
        #expect(files.map(fileSize) == batches.map { $0[0].entries.map(recordSize).reduce(0, +) })
        #expect(try reopen(temp.dataDirectory) == applied(batches))
    }

    @Test func appendingAfterAReopenWithSmallSegmentsKeepsTheSequence() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let options = StoreOptions(fsync: .never, segmentBytes: 100)
        try writeAll(Array(batches[..<4]), in: temp.dataDirectory, options: options)
        try writeAll(Array(batches[4...]), in: temp.dataDirectory, options: options)
        #expect(segmentFiles(temp.logDirectory).count == 10)
        #expect(try reopen(temp.dataDirectory, options: options) == applied(batches))
    }

    @Test func aLastSegmentTruncatedToZeroBytesIsAnEmptySegment() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .never, segmentBytes: 100))
        let last = try #require(segmentFiles(temp.logDirectory).last)
        #expect(truncate(last, 0) == 0)
        let withoutLast = Array(batches.dropLast())
        #expect(try reopen(temp.dataDirectory) == applied(withoutLast))
        // The empty segment is appended to: its name still matches the record sequence.
        let more = [[request(99, entries(28...28))]]
        try writeAll(more, in: temp.dataDirectory)
        #expect(fileSize(last) == recordSize(entry(28)))
        #expect(try reopen(temp.dataDirectory) == applied(withoutLast + more))
    }

    @Test func aLoneZeroByteSegmentIsAnEmptyLog() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, metadata: metadata(term: 4), entries(1...3))]], in: temp.dataDirectory)
        let only = try #require(segmentFiles(temp.logDirectory).first)
        #expect(truncate(only, 0) == 0)
        let state = try reopen(temp.dataDirectory)
        #expect(state.log.isEmpty)
        #expect(state.term == 4)
    }

    /// Emptying a segment in the middle loses records that later ones build
    /// on: the store names the emptied file instead of starting. (An empty
    /// last segment is a torn write, see above.)
    @Test func aMiddleSegmentTruncatedToZeroBytesIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .never, segmentBytes: 100))
        let files = segmentFiles(temp.logDirectory)
        #expect(truncate(files[4], 0) == 0)
        let error = openError(temp.dataDirectory)
        guard case let .corrupted(file, offset, reason) = error else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
        #expect(file == files[4])
        #expect(offset == 0)
        #expect(reason.contains("empty"))
    }

    @Test func aMissingMiddleSegmentIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: .never, segmentBytes: 100))
        let files = segmentFiles(temp.logDirectory)
        try FileManager.default.removeItem(atPath: files[2])
        guard case .corrupted(files[3], 0, _)? = openError(temp.dataDirectory) else {
            Issue.record("expected corruption at the start of \(files[3])")
            return
        }
    }
}
