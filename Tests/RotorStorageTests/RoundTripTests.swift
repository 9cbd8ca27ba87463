import RotorConsensus
import RotorStorage
import Testing

/// What is written comes back on reopen, exactly as `PersistRequest.apply` says.
@Suite struct RoundTripTests {
    @Test func aMissingDirectoryOpensAsANewReplica() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (store, state) = try ReplicaStore.open(directory: temp.dataDirectory, options: StoreOptions())
        store.close()
        #expect(state == .initial)
        #expect(fileExists(temp.metadataPath))
        #expect(segmentFiles(temp.logDirectory).isEmpty)
        #expect(try reopen(temp.dataDirectory) == .initial)
    }

    @Test(arguments: [FsyncPolicy.always, .never])
    func entriesTruncationsAndMetadataSurviveAReopen(fsync: FsyncPolicy) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let batches: [[PersistRequest]] = [
            [request(1, entries(1...3)), request(2, entries(4...5))],
            [request(3, metadata: metadata(term: 1, .viewChange, lastNormal: 0))],
            [request(4, metadata: metadata(term: 1), truncateAfter: 3, [entry(4, term: 1, ""), entry(5, term: 1, "x")])],
            [request(5, truncateAfter: 9, entries(6...7)), request(6, truncateAfter: 0, entries(1...2, term: 2))],
            [request(7, metadata: metadata(term: 2), [])],
        ]
        try writeAll(batches, in: temp.dataDirectory, options: StoreOptions(fsync: fsync))
        let expected = applied(batches)
        #expect(expected.term == 2 && expected.log.count == 2)
        #expect(try reopen(temp.dataDirectory, options: StoreOptions(fsync: fsync)) == expected)
    }

    @Test func writingAfterAReopenContinuesTheSameLog() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let first: [[PersistRequest]] = [[request(1, entries(1...4))]]
        let second: [[PersistRequest]] = [[request(2, truncateAfter: 2, entries(3...6, term: 3))]]
        try writeAll(first, in: temp.dataDirectory)
        try writeAll(second, in: temp.dataDirectory)
        #expect(try reopen(temp.dataDirectory) == applied(first + second))
    }

    /// Random requests (appends, conflicting truncations, metadata changes,
    /// empty requests) against the in-memory model, reopening now and then.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomRequestsMatchTheModel(seed: UInt64) throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        var random = TestRandom(state: seed)
        let options = StoreOptions(fsync: .never, segmentBytes: seed.isMultiple(of: 2) ? 512 : 64 << 20)
        var model = DurableState.initial
        var (store, recovered) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
        var token: UInt64 = 0
        for round in 0..<60 {
            var batch: [PersistRequest] = []
            for _ in 0..<(1 + random.below(4)) {
                token += 1
                let next = randomRequest(token: token, after: batch.reduce(into: model) { $1.apply(to: &$0) }, &random)
                batch.append(next)
            }
            try store.write(batch)
            for request in batch { request.apply(to: &model) }
            if round % 10 == 9 {
                store.close()
                (store, recovered) = try ReplicaStore.open(directory: temp.dataDirectory, options: options)
                #expect(recovered == model, "seed \(seed), round \(round)")
            }
        }
        store.close()
        #expect(try reopen(temp.dataDirectory, options: options) == model)
        #expect(model.log.count > 0)
    }

    private func randomRequest(token: UInt64, after state: DurableState, _ random: inout TestRandom) -> PersistRequest {
        var term = state.term
        var meta: DurableMetadata?
        if random.below(6) == 0 {
            term += Term(random.below(2))
            meta = DurableMetadata(term: term, status: random.below(2) == 0 ? .normal : .viewChange,
                                   lastNormalTerm: Term(random.below(Int(term) + 1)))
        }
        let length = LogIndex(state.log.count)
        let truncate: LogIndex? = random.below(5) == 0 ? LogIndex(random.below(Int(length) + 3)) : nil
        let start = min(truncate ?? length, length) + 1
        let count = random.below(5)
        let new = (0..<count).map { offset in
            LogEntry(index: start + LogIndex(offset), term: term, data: random.bytes(random.below(40)), timestamp: Instant(random.next() >> 1))
        }
        return PersistRequest(token: token, metadata: meta, truncateAfter: truncate, entries: new)
    }

    @Test func aClosedStoreRefusesWrites() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: noSync)
        store.close()
        #expect(throws: StorageError.closed) { try store.write([request(1, entries(1...1))]) }
    }

    @Test func entriesThatDoNotExtendTheLogAreRejectedAndNothingIsWritten() throws {
        let temp = TempDirectory()
        defer { temp.cleanUp() }
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: noSync)
        try store.write([request(1, entries(1...2))])
        let gap = [request(2, entries(3...3)), request(3, entries(5...5))]
        #expect(throws: StorageError.self) { try store.write(gap) }
        // The store stays usable: the rejection is a caller bug, not a disk failure.
        try store.write([request(4, entries(3...3))])
        store.close()
        #expect(try reopen(temp.dataDirectory).log == entries(1...3))
    }
}
