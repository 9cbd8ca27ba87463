import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// A disk that fails mid-write (here through the fault hook) must not leave
/// half a batch to be replayed, and the store must refuse to go on.
@Suite struct WriteFailureTests {
    let durable: [[PersistRequest]] = [
        [request(1, metadata: metadata(term: 1), entries(1...3))],
        [request(2, entries(4...6))],
    ]

    /// The disk fills after some bytes of the batch reached the file.
    @Test(arguments: [0, 1, 8, 40, 100])
    func aFullDiskFailsTheWriteAndEveryLaterOne(bytesWrittenFirst: Int) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        for batch in durable { try store.write(batch) }
        let segment = try #require(segmentFiles(temp.logDirectory).first)
        let durableSize = fileSize(segment)

        script.arm(InjectedFault(errno: ENOSPC, bytesWrittenFirst: bytesWrittenFirst), on: FaultScript.isLogWrite)
        #expect(throws: StorageError.io(operation: "write (injected fault)", path: segment, errno: ENOSPC)) {
            try store.write([request(3, entries(7...9)), request(4, entries(10...10))])
        }
        #expect(fileSize(segment) == durableSize, "the partial write was cut off")
        let writesBefore = script.logWriteCount
        let later = #expect(throws: StorageError.self) { try store.write([request(5, entries(7...7))]) }
        guard case .storeFailed(let cause)? = later else {
            Issue.record("expected .storeFailed, got \(String(describing: later))")
            return
        }
        #expect(cause.contains("No space left on device"))
        #expect(script.logWriteCount == writesBefore, "a failed store does not touch the disk")
        store.close()
        #expect(try reopen(temp.dataDirectory) == applied(durable))
    }

    /// fdatasync failing means the kernel may have dropped the pages: the batch is not durable.
    @Test func aFailedSyncFailsTheStore() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        for batch in durable { try store.write(batch) }
        script.arm(InjectedFault(errno: EIO)) { $0 == .logSync }
        #expect(throws: StorageError.self) { try store.write([request(3, entries(7...8))]) }
        #expect(throws: StorageError.self) { try store.write([request(4, entries(7...7))]) }
        store.close()
        #expect(try reopen(temp.dataDirectory) == applied(durable))
    }

    /// A batch is cut into groups at requests with metadata; a failure in a
    /// later group leaves the earlier groups whole, as a crash there would.
    @Test func aFailureInALaterGroupKeepsTheEarlierGroupsWhole() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        for batch in durable { try store.write(batch) }
        let firstGroup = [request(3, entries(7...8)), request(4, metadata: metadata(term: 2, .viewChange, lastNormal: 1))]
        let secondGroup = [request(5, metadata: metadata(term: 2), truncateAfter: 5, entries(6...7, term: 2))]
        script.arm(InjectedFault(errno: ENOSPC, bytesWrittenFirst: 5), skip: 1, on: FaultScript.isLogWrite)
        #expect(throws: StorageError.self) { try store.write(firstGroup + secondGroup) }
        store.close()
        #expect(try reopen(temp.dataDirectory) == applied(durable + [firstGroup]))
    }

    /// Group commit: many requests without metadata cost one write and one fdatasync.
    @Test func aBatchIsOneWriteAndOneSync() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        let batch = (1...50).map { request(UInt64($0), [entry(LogIndex($0))]) }
        try store.write(batch)
        #expect(script.logWriteCount == 1)
        #expect(script.syncCount == 1)
        // A metadata change in the middle splits the batch: its log part is synced before the metadata.
        let split = [request(51, entries(51...52)), request(52, metadata: metadata(term: 1)), request(53, entries(53...53))]
        try store.write(split)
        #expect(script.seen.suffix(5) == [.logWrite(bytes: 2 * recordSize(entry(51))), .logSync, .metadataWrite,
                                          .logWrite(bytes: recordSize(entry(53))), .logSync])
        store.close()
        #expect(try reopen(temp.dataDirectory) == applied([batch, split]))
    }

    @Test func neverSyncingNeverCallsFdatasync() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options(.never))
        for batch in durable { try store.write(batch) }
        store.close()
        #expect(script.syncCount == 0)
        #expect(script.logWriteCount == 2)
        #expect(try reopen(temp.dataDirectory) == applied(durable))
    }

    /// A disk that fills up (or fails to sync) while a new snapshot is
    /// written, in a batch whose entries before the snapshot were already
    /// appended: the write fails, the store refuses to go on, the old snapshot
    /// and every segment are as they were, and a reopen gives the state
    /// before the batch.
    @Test(arguments: [0, 20, 36, 500, nil] as [Int?])
    func aSnapshotWriteThatFailsKeepsThePreviousState(bytesWrittenFirst: Int?) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options(segmentBytes: 100))
        let durable = SnapshotTests.threeEntryBatches(6) + [[request(10, snapshot: snapshot(9, bytes: 1000), compactThrough: 9)]]
        for batch in durable { try store.write(batch) }
        let snapshotBefore = readFile(temp.snapshotPath)
        let segmentsBefore = segmentFiles(temp.logDirectory)
        let contentsBefore = segmentsBefore.map(readFile)

        let tmp = temp.snapshotPath + ".tmp"
        let expected: StorageError
        if let bytesWrittenFirst {
            script.arm(InjectedFault(errno: ENOSPC, bytesWrittenFirst: bytesWrittenFirst), on: FaultScript.isSnapshotWrite)
            expected = .io(operation: "write (injected fault)", path: tmp, errno: ENOSPC)
        } else {
            script.arm(InjectedFault(errno: EIO)) { $0 == .snapshotSync }
            expected = .io(operation: "fdatasync (injected fault)", path: tmp, errno: EIO)
        }
        let batch = [request(11, entries(19...21)), request(12, snapshot: snapshot(21, bytes: 1000), compactThrough: 21),
                     request(13, entries(22...22))]
        #expect(throws: expected) { try store.write(batch) }
        #expect(throws: StorageError.self) { try store.write([request(14, entries(19...19))]) }
        store.close()

        #expect(readFile(temp.snapshotPath) == snapshotBefore)
        #expect(!fileExists(tmp), "the partial replacement was removed")
        #expect(segmentFiles(temp.logDirectory) == segmentsBefore, "no segment was deleted")
        #expect(segmentsBefore.map(readFile) == contentsBefore, "the entries before the snapshot were cut off again")
        let recovered = try reopen(temp.dataDirectory)
        expectSameModuloCompaction(recovered, applied(durable))
        #expect(recovered.snapshot == snapshot(9, bytes: 1000) && recovered.log.last?.index == 18)
    }

    /// Group commit holds with a snapshot: the records before it, the
    /// snapshot file, then the records after it (its mark first), in order.
    @Test func aSnapshotSplitsTheGroupAroundItsFile() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let script = FaultScript()
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: script.options())
        try store.write([request(1, entries(1...4))])
        let taken = snapshot(4, bytes: 10)
        let batch = [request(2, entries(5...5)), request(3, snapshot: taken, compactThrough: 4), request(4, entries(6...6))]
        try store.write(batch)
        let markBytes = 8 + 1 + 16
        #expect(script.seen.suffix(6) == [.logWrite(bytes: recordSize(entry(5))), .logSync, .snapshotWrite(bytes: 36 + 10), .snapshotSync,
                                          .logWrite(bytes: markBytes + recordSize(entry(6))), .logSync])
        store.close()
        expectSameModuloCompaction(try reopen(temp.dataDirectory), applied([[request(1, entries(1...4))], batch]))
    }
}
