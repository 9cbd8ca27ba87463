import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// `<dir>/snapshot` and log compaction: what is written comes back as
/// `PersistRequest.apply` says, except that whole segments only are deleted.
@Suite struct SnapshotTests {
    /// Batches of three entries (over 100 bytes), so with 100-byte segments
    /// each batch fills a segment of its own: segment `k` holds entries
    /// 3k+1...3k+3 and is named after record 3k.
    static func threeEntryBatches(_ count: Int, from firstBatch: Int = 0) -> [[PersistRequest]] {
        (firstBatch..<firstBatch + count).map { batch in
            let first = LogIndex(batch * 3 + 1)
            return [request(UInt64(batch + 1), entries(first...first + 2))]
        }
    }

    static let smallSegments = StoreOptions(fsync: .always, segmentBytes: 100)

    func segmentNames(_ temp: TempDirectory) -> [String] {
        segmentFiles(temp.logDirectory).map { ($0 as NSString).lastPathComponent }
    }

    @Test(arguments: [LogIndex(20), 14])
    func aSnapshotWithCompactionRoundTrips(compactThrough: LogIndex) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let taken = snapshot(20, term: 1, bytes: 5000)
        let batches = Self.threeEntryBatches(10)  // entries 1...30, ten segments
            + [[request(20, snapshot: taken, compactThrough: compactThrough)]]
            + Self.threeEntryBatches(2, from: 10)  // entries 31...36
        try writeAll(batches, in: temp.dataDirectory, options: Self.smallSegments)
        let model = applied(batches)
        #expect(model.snapshot == taken && model.log.first?.index == compactThrough + 1)

        let recovered = try reopen(temp.dataDirectory, options: Self.smallSegments)
        expectSameModuloCompaction(recovered, model)
        #expect(recovered.snapshot == taken)
        #expect(recovered.log.map(\.index).contains(compactThrough + 1), "every entry after the compaction point is there")
        // Segment k (entries 3k+1...3k+3) is covered once 3k+3 <= compactThrough.
        let covered = Int(compactThrough / 3)
        let names = segmentNames(temp)
        for k in 0..<covered {
            #expect(!names.contains(String(format: "%016d.wal", k * 3)), "segment \(k) is covered and deleted")
        }
        #expect(names.first == String(format: "%016d.wal", covered * 3), "the first uncovered segment stays")
        #expect(recovered.log.first?.index == LogIndex(covered * 3 + 1))
        #expect(!fileExists(temp.snapshotPath + ".tmp"))
    }

    /// Writing on after a reopen continues the record numbering and the log.
    @Test func writingAfterACompactedReopenContinues() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let first = Self.threeEntryBatches(8) + [[request(30, snapshot: snapshot(21), compactThrough: 21)]]
        try writeAll(first, in: temp.dataDirectory, options: Self.smallSegments)
        let second = Self.threeEntryBatches(3, from: 8) + [[request(40, snapshot: snapshot(30), compactThrough: 27)]]
        try writeAll(second, in: temp.dataDirectory, options: Self.smallSegments)
        let recovered = try reopen(temp.dataDirectory, options: Self.smallSegments)
        expectSameModuloCompaction(recovered, applied(first + second))
        let sequences = segmentNames(temp).compactMap { Int($0.prefix(16)) }
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
        #expect(sequences.first.map { $0 >= 27 } == true, "segments up to entry 27 are gone")
    }

    /// A truncation recorded in a segment that survives compaction can reach
    /// below the entries left before it: replay, starting at the first
    /// remaining segment, still lands on the log as written.
    @Test func aTruncationBelowTheFirstRemainingSegmentReplays() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches = Self.threeEntryBatches(3)  // entries 1...9 in segments 0, 3 and 6
            + [[request(10, metadata: metadata(term: 2), truncateAfter: 4, entries(5...9, term: 2))]]  // segment 9
            + [[request(11, snapshot: snapshot(9, term: 2), compactThrough: 7)]]
            + [[request(12, entries(10...11, term: 2))]]
        try writeAll(batches, in: temp.dataDirectory, options: Self.smallSegments)
        #expect(segmentNames(temp).first == String(format: "%016d.wal", 6), "segments 0 and 3 are covered; 6 holds entry 9")
        let recovered = try reopen(temp.dataDirectory, options: Self.smallSegments)
        expectSameModuloCompaction(recovered, applied(batches))
        #expect(recovered.log.first == entry(5, term: 2), "entries 7...9 of term 1 in segment 6 were truncated")
    }

    /// An endless log with periodic snapshots (keeping some entries behind
    /// each, as the core does) stays within a bounded number of files.
    @Test func compactionKeepsTheDiskBounded() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let options = StoreOptions(fsync: .never, segmentBytes: 256)
        var (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
        var model = DurableState.initial
        var mostSegments = 0
        var next: LogIndex = 1
        for round in 1...400 {
            var batch = [request(UInt64(round), entries(next...next + 4))]
            next += 5
            if round.isMultiple(of: 10) {
                batch.append(request(UInt64(round) + 10_000, snapshot: snapshot(next - 1), compactThrough: next - 1 - 10))
            }
            try store.write(batch)
            for request in batch { request.apply(to: &model) }
            mostSegments = max(mostSegments, segmentFiles(temp.logDirectory).count)
            if round.isMultiple(of: 100) {
                store.close()
                let recovered: DurableState
                (store, recovered) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
                expectSameModuloCompaction(recovered, model, "round \(round)")
            }
        }
        store.close()
        // About ten entries per 256-byte segment; between two snapshots 50
        // entries arrive and 10 stay behind, so about 60 entries are on disk
        // at most: six segments, plus one or two partly covered ones. Without
        // compaction there would be 200.
        #expect(mostSegments <= 8, "at most \(mostSegments) segments at once")
        #expect(next == 2001)
    }

    /// State transfer: a follower whose log conflicts with the leader's
    /// snapshot cuts its uncommitted suffix, stores the snapshot (which drops
    /// a log that does not reach it) and appends after it, in one batch.
    @Test(arguments: [FsyncPolicy.always, .never])
    func aStateTransferInstallInOneBatchReopens(fsync: FsyncPolicy) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let options = StoreOptions(fsync: fsync)
        let before: [[PersistRequest]] = [[request(1, metadata: metadata(term: 1), entries(1...10))]]
        let install: [[PersistRequest]] = [[
            request(2, truncateAfter: 7, snapshot: snapshot(20, term: 2), compactThrough: 20),
            request(3, metadata: metadata(term: 2), entries(21...23, term: 2)),
        ]]
        try writeAll(before, in: temp.dataDirectory, options: options)
        try writeAll(install, in: temp.dataDirectory, options: options)
        let expected = applied(before + install)
        #expect(expected.log.map(\.index) == [21, 22, 23])
        #expect(try reopen(temp.dataDirectory, options: options) == expected)
        // The mark in the log keeps later replays in step with it.
        let after: [[PersistRequest]] = [[request(4, entries(24...25, term: 2))]]
        try writeAll(after, in: temp.dataDirectory, options: options)
        #expect(try reopen(temp.dataDirectory, options: options) == applied(before + install + after))
    }

    /// An install whose log matches the snapshot keeps the entries after it.
    @Test func anInstallThatMatchesTheLogKeepsWhatFollows() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches: [[PersistRequest]] = [
            [request(1, entries(1...30))],
            [request(2, snapshot: snapshot(20), compactThrough: 20), request(3, entries(31...32))],
        ]
        try writeAll(batches, in: temp.dataDirectory)
        let recovered = try reopen(temp.dataDirectory)
        expectSameModuloCompaction(recovered, applied(batches))
        #expect(recovered.log.map(\.index) == Array(1...32), "one segment: nothing deleted")
    }

    /// A new replica that gets a snapshot before any entry.
    @Test func aSnapshotIntoAnEmptyStore() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches: [[PersistRequest]] = [[request(1, metadata: metadata(term: 3), snapshot: snapshot(100, term: 3), compactThrough: 100)],
                                           [request(2, entries(101...102, term: 3))]]
        try writeAll(batches, in: temp.dataDirectory)
        #expect(try reopen(temp.dataDirectory) == applied(batches))
    }

    /// Random appends, truncations, snapshots taken with some entries kept
    /// behind, and state-transfer installs, against the model.
    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16])
    func randomRequestsWithSnapshotsMatchTheModel(seed: UInt64) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        var random = TestRandom(state: seed)
        let options = StoreOptions(fsync: .never, segmentBytes: seed.isMultiple(of: 2) ? 200 : 1000)
        var model = DurableState.initial
        var (store, recovered) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
        var token: UInt64 = 0
        for round in 0..<150 {
            var batch: [PersistRequest] = []
            var pending = model
            for _ in 0..<(1 + random.below(3)) {
                token += 1
                let next = randomRequest(token: token, after: pending, &random)
                next.apply(to: &pending)
                batch.append(next)
            }
            try store.write(batch)
            model = pending
            if round % 15 == 14 {
                store.close()
                (store, recovered) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
                expectSameModuloCompaction(recovered, model, "seed \(seed), round \(round)")
            }
        }
        store.close()
        expectSameModuloCompaction(try reopen(temp.dataDirectory, options: options), model)
        #expect(model.snapshot != nil)
    }

    /// Requests as the core makes them: truncations only after the snapshot,
    /// snapshots that move forward, compaction up to the snapshot.
    private func randomRequest(token: UInt64, after state: DurableState, _ random: inout TestRandom) -> PersistRequest {
        let snapshotIndex = state.snapshot?.index ?? 0
        let last = state.lastIndex
        var term = state.term
        var meta: DurableMetadata?
        if random.below(8) == 0 {
            term += 1
            meta = DurableMetadata(term: term, status: .normal, lastNormalTerm: term)
        }
        var truncate: LogIndex?
        var taken: Snapshot?
        var compact: LogIndex?
        switch random.below(10) {
        case 0, 1:
            truncate = snapshotIndex + LogIndex(random.below(Int(last - snapshotIndex) + 2))
        case 2 where last > snapshotIndex:
            // Compaction: a snapshot of applied entries, some kept behind.
            let index = snapshotIndex + 1 + LogIndex(random.below(Int(last - snapshotIndex)))
            let entryTerm = state.log.first { $0.index == index }?.term ?? term
            taken = snapshot(index, term: entryTerm, bytes: random.below(300))
            compact = max(0, index - LogIndex(random.below(6)))
        case 3:
            // State transfer: a conflicting suffix goes, a later snapshot comes.
            truncate = snapshotIndex + LogIndex(random.below(Int(last - snapshotIndex) + 1))
            taken = snapshot(last + 1 + LogIndex(random.below(20)), term: term, bytes: random.below(300))
            compact = taken!.index
        default:
            break
        }
        var after = state
        PersistRequest(token: 0, metadata: nil, truncateAfter: truncate, snapshot: taken, compactThrough: compact, entries: []).apply(to: &after)
        let new = (0..<random.below(6)).map { offset in
            LogEntry(index: after.lastIndex + 1 + LogIndex(offset), term: term, data: random.bytes(random.below(30)), timestamp: Instant(offset))
        }
        return PersistRequest(token: token, metadata: meta, truncateAfter: truncate, snapshot: taken, compactThrough: compact, entries: new)
    }

    @Test func requestsTheLogCannotFollowAreRejectedAndNothingIsWritten() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: noSync)
        let good: [[PersistRequest]] = [[request(1, entries(1...10))], [request(2, snapshot: snapshot(6), compactThrough: 6)]]
        for batch in good { try store.write(batch) }
        let rejected: [[PersistRequest]] = [
            [request(3, snapshot: snapshot(5), compactThrough: 5)],  // older than the stored snapshot
            [request(4, snapshot: snapshot(6, term: 2))],  // the same index, another term
            [request(5, compactThrough: 7)],  // past the stored snapshot
            [request(6, truncateAfter: 5)],  // into the snapshot
            [request(7, entries(11...11)), request(8, truncateAfter: 3, entries(4...4))],
        ]
        for batch in rejected {
            let error = #expect(throws: StorageError.self) { try store.write(batch) }
            guard case .invalidRequest? = error else {
                Issue.record("expected .invalidRequest for \(batch.map(\.token)), got \(String(describing: error))")
                continue
            }
        }
        try store.write([request(9, snapshot: snapshot(6), compactThrough: 6, entries(11...11))])  // the same snapshot again is fine
        store.close()
        let expected = applied(good + [[request(9, snapshot: snapshot(6), compactThrough: 6, entries(11...11))]])
        expectSameModuloCompaction(try reopen(temp.dataDirectory), expected)
    }
}
