import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// A crash in the middle of the last write leaves a partial record at the
/// end of the last segment. Recovery cuts it away and carries on.
@Suite struct TornTailTests {
    /// A log as a crash could leave it: the metadata and the segment bytes
    /// written by `before` plus the batch `last`, and the facts to check.
    struct Fixture {
        var segmentName: String
        var segment: [UInt8]
        var metadata: [UInt8]
        var sizeBefore: Int
        var stateBefore: DurableState
    }

    func fixture(last: [PersistRequest]) throws -> Fixture {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let before: [[PersistRequest]] = [
            [request(1, metadata: metadata(term: 2), entries(1...3))],
            [request(2, [entry(4, term: 2, String(repeating: "z", count: 50))])],
        ]
        try writeAll(before, in: temp.dataDirectory)
        let path = try #require(segmentFiles(temp.logDirectory).first)
        let sizeBefore = fileSize(path)
        try writeAll([last], in: temp.dataDirectory)
        #expect(segmentFiles(temp.logDirectory).count == 1)
        return Fixture(segmentName: (path as NSString).lastPathComponent, segment: readFile(path),
                       metadata: readFile(temp.metadataPath), sizeBefore: sizeBefore, stateBefore: applied(before))
    }

    /// Lays the fixture out in `directory` with the segment cut to `length` bytes and `padding` zero bytes after.
    func install(_ fixture: Fixture, cutAt length: Int, zeroPadding: Int = 0, in directory: String) throws -> String {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory + "/log", withIntermediateDirectories: true)
        writeFile(directory + "/metadata", fixture.metadata)
        let path = directory + "/log/" + fixture.segmentName
        writeFile(path, Array(fixture.segment[..<length]) + [UInt8](repeating: 0, count: zeroPadding))
        return path
    }

    static let lastRecords: [String: [PersistRequest]] = [
        "entry": [request(3, [entry(5, term: 2, "the last entry")])],
        "truncation": [request(3, truncateAfter: 2)],
    ]

    @Test(arguments: ["entry", "truncation"])
    func aCutAtEveryOffsetOfTheLastRecordIsCutAway(kind: String) throws {
        let fixture = try fixture(last: try #require(Self.lastRecords[kind]))
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        #expect(fixture.segment.count > fixture.sizeBefore)
        for length in fixture.sizeBefore..<fixture.segment.count {
            let path = try install(fixture, cutAt: length, in: temp.dataDirectory)
            let recovered = try reopen(temp.dataDirectory)
            #expect(recovered == fixture.stateBefore, "cut at \(length)")
            #expect(fileSize(path) == fixture.sizeBefore, "cut at \(length)")
            // The file was cut to its last good record, so an append lands right after it.
            let more: [[PersistRequest]] = [[request(9, [entry(5, term: 3, "after the crash")])]]
            try writeAll(more, in: temp.dataDirectory)
            #expect(try reopen(temp.dataDirectory) == applied(more, to: fixture.stateBefore), "cut at \(length)")
        }
    }

    /// An unsynced file extension often reads back as zeros after a power cut.
    @Test func aPartialRecordFollowedByZerosIsATornTail() throws {
        let fixture = try fixture(last: try #require(Self.lastRecords["entry"]))
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        for (length, padding) in [(fixture.sizeBefore, 4096), (fixture.sizeBefore + 3, 100), (fixture.sizeBefore + 20, 4000)] {
            let path = try install(fixture, cutAt: length, zeroPadding: padding, in: temp.dataDirectory)
            #expect(try reopen(temp.dataDirectory) == fixture.stateBefore)
            #expect(fileSize(path) == fixture.sizeBefore)
        }
    }

    /// A last record that is complete but fails its checksum, with nothing after it.
    @Test func aDamagedFinalRecordIsATornTail() throws {
        var fixture = try fixture(last: try #require(Self.lastRecords["entry"]))
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        fixture.segment[fixture.segment.count - 1] ^= 0x01
        let path = try install(fixture, cutAt: fixture.segment.count, in: temp.dataDirectory)
        #expect(try reopen(temp.dataDirectory) == fixture.stateBefore)
        #expect(fileSize(path) == fixture.sizeBefore)
    }
}
