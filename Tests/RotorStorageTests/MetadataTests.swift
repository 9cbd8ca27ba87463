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
        #expect(fileSize(temp.metadataPath) == 32)
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
}
