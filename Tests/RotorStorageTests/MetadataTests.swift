import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// `<dir>/metadata` is replaced atomically, and only when a request changes it.
@Suite struct MetadataTests {
    func inode(_ path: String) -> UInt64? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? NSNumber)?.uint64Value
    }

    @Test func metadataIsReplacedByRenameOnlyWhenARequestCarriesIt() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: StoreOptions())
        defer { store.close() }
        let initialFile = try #require(inode(temp.metadataPath))
        try store.write([request(1, entries(1...3)), request(2, truncateAfter: 1, entries(2...2))])
        #expect(inode(temp.metadataPath) == initialFile, "entries alone leave the metadata file alone")
        try store.write([request(3, metadata: metadata(term: 5, .viewChange, lastNormal: 4))])
        let replaced = try #require(inode(temp.metadataPath))
        #expect(replaced != initialFile, "a new file was renamed into place")
        #expect(!fileExists(temp.dataDirectory + "/metadata.tmp"))
        #expect(fileSize(temp.metadataPath) == 44)
        let state = try reopen(temp.dataDirectory)
        #expect(state.term == 5 && state.status == .viewChange && state.lastNormalTerm == 4)
    }

    /// A crash between writing `metadata.tmp` and renaming it leaves the old file in force.
    @Test func aLeftoverTemporaryFileIsIgnoredAndRemoved() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches = [[request(1, metadata: metadata(term: 2), entries(1...2))]]
        try writeAll(batches, in: temp.dataDirectory)
        let tmp = temp.dataDirectory + "/metadata.tmp"
        writeFile(tmp, Array("half a metadata fi".utf8))
        #expect(try reopen(temp.dataDirectory) == applied(batches))
        #expect(!fileExists(tmp))
    }

    @Test func aFailedMetadataWriteKeepsTheOldMetadataAndLog() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        let durable = [[request(1, metadata: metadata(term: 1), entries(1...2))]]
        try store.write(durable[0])
        script.arm(InjectedFault(errno: EIO)) { $0 == .metadataWrite }
        #expect(throws: StorageError.self) {
            try store.write([request(2, entries(3...4)), request(3, metadata: metadata(term: 2), truncateAfter: 1, entries(2...2, term: 2))])
        }
        store.close()
        // The failed group's records were cut off again: the log stays in step with the old metadata.
        #expect(try reopen(temp.dataDirectory) == applied(durable))
    }

    @Test(arguments: [false, true])
    func recoveringRoundTrips(recovering: Bool) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let written = DurableMetadata(term: 7, status: .viewChange, lastNormalTerm: 5, recovering: recovering)
        let batches = [[request(1, metadata: written, entries(1...2))]]
        try writeAll(batches, in: temp.dataDirectory)
        let state = try reopen(temp.dataDirectory)
        #expect(state.recovering == recovering)
        #expect(state == applied(batches))
    }

    /// The documented version 3 bytes, encoded independently of the store.
    @Test func theMetadataFileIsTheDocumentedBytes() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, metadata: DurableMetadata(term: 9, status: .viewChange, lastNormalTerm: 8, recovering: true,
                                                            clusterID: 0x0102_0304_0506_0708))]],
                     in: temp.dataDirectory)
        var expected = Array("RKVM".utf8) + littleEndian(UInt32(3)) + littleEndian(Int64(9)) + littleEndian(Int64(8))
            + littleEndian(UInt32(1)) + littleEndian(UInt32(1)) + littleEndian(UInt64(0x0102_0304_0506_0708))
        expected += littleEndian(crc32(expected))
        #expect(readFile(temp.metadataPath) == expected)
    }

    /// A data directory written before the recovering flag existed (format
    /// version 1, 32 bytes) opens as not recovering, and the next metadata
    /// write upgrades it.
    @Test func aVersionOneMetadataFileStillOpens() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, entries(1...3))]], in: temp.dataDirectory)
        var old = Array("RKVM".utf8) + littleEndian(UInt32(1)) + littleEndian(Int64(4)) + littleEndian(Int64(3)) + littleEndian(UInt32(1))
        old += littleEndian(crc32(old))
        writeFile(temp.metadataPath, old)
        let state = try reopen(temp.dataDirectory)
        #expect(state == DurableState(term: 4, status: .viewChange, lastNormalTerm: 3, recovering: false, log: entries(1...3)))
        try writeAll([[request(2, metadata: DurableMetadata(term: 5, status: .normal, lastNormalTerm: 5, recovering: true))]],
                     in: temp.dataDirectory)
        #expect(fileSize(temp.metadataPath) == 44)
        #expect(try reopen(temp.dataDirectory).recovering)
    }

    /// A version 1 file whose checksum fails is corruption, like any other.
    @Test func aDamagedVersionOneMetadataFileIsCorruption() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, entries(1...3))]], in: temp.dataDirectory)
        var old = Array("RKVM".utf8) + littleEndian(UInt32(1)) + littleEndian(Int64(4)) + littleEndian(Int64(3)) + littleEndian(UInt32(0))
        old += littleEndian(crc32(old) ^ 1)
        writeFile(temp.metadataPath, old)
        guard case .corrupted(temp.metadataPath, 28, _)? = openError(temp.dataDirectory) else {
            Issue.record("expected corruption at the version 1 checksum")
            return
        }
    }
}

/// The cluster id (format version 3) survives a restart, and a version 2 file still reads, as "not known yet".
@Suite struct ClusterIdentityMetadataTests {
    @Test func theClusterIDIsKeptAcrossARestart() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let named = DurableMetadata(term: 3, status: .normal, lastNormalTerm: 3, recovering: false, clusterID: 0xFEED_FACE_CAFE_BEEF)
        try writeAll([[request(1, metadata: named, entries(1...2))]], in: temp.dataDirectory)
        #expect(try reopen(temp.dataDirectory).clusterID == 0xFEED_FACE_CAFE_BEEF)
    }

    @Test func aVersionTwoFileReadsWithNoClusterID() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        try writeAll([[request(1, entries(1...3))]], in: temp.dataDirectory)
        var old = Array("RKVM".utf8) + littleEndian(UInt32(2)) + littleEndian(Int64(4)) + littleEndian(Int64(3))
        old += littleEndian(UInt32(0)) + littleEndian(UInt32(1))
        old += littleEndian(crc32(old))
        writeFile(temp.metadataPath, old)
        let state = try reopen(temp.dataDirectory)
        #expect(state.term == 4 && state.recovering && state.clusterID == 0)
    }
}
