import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// Measurements, not checks: skipped unless `ROTORKV_STORAGE_BENCH=1`. Run in release:
///
///     ROTORKV_STORAGE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter StorageBenchmark
///
/// `ROTORKV_STORAGE_BENCH_DIR` picks the directory (default: the system temp
/// directory; it must be a real disk for the fdatasync figures to mean anything).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ROTORKV_STORAGE_BENCH"] != nil))
struct StorageBenchmark {
    static let environment = ProcessInfo.processInfo.environment

    func benchDirectory() -> TempDirectory {
        TempDirectory(under: Self.environment["ROTORKV_STORAGE_BENCH_DIR"])
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Recovery of 1,000,000 entries with `dataBytes` of data each, from a warm page cache.
    @Test(arguments: [16, 100])
    func recoveryReplayRate(dataBytes: Int) throws {
        let temp = benchDirectory()
        defer { temp.cleanUp() }
        let total = 1_000_000
        let data = [UInt8](repeating: 0x5A, count: dataBytes)
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: StoreOptions(fsync: .never))
        for first in stride(from: 1, through: total, by: 1000) {
            let batch = (first..<first + 1000).map { LogEntry(index: LogIndex($0), term: 1, data: data, timestamp: Instant($0)) }
            try store.write([PersistRequest(token: UInt64(first), metadata: nil, truncateAfter: nil, entries: batch)])
        }
        store.close()
        let bytes = segmentFiles(temp.logDirectory).map(fileSize).reduce(0, +)
        var rates: [Double] = []
        for _ in 0..<3 {
            let clock = ContinuousClock()
            var recovered = DurableState.initial
            let elapsed = try clock.measure { recovered = try reopen(temp.dataDirectory) }
            #expect(recovered.log.count == total)
            rates.append(Double(total) / seconds(elapsed))
        }
        let text = rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")
        print("BENCH replay: \(total) entries of \(dataBytes) data bytes (\(bytes >> 20) MiB in \(segmentFiles(temp.logDirectory).count) segments): entries/s per run \(text)")
    }

    /// Latency of `write` under `.always`: one write(2) and one fdatasync per batch.
    @Test(arguments: [1, 64])
    func syncedBatchLatency(entriesPerBatch: Int) throws {
        let temp = benchDirectory()
        defer { temp.cleanUp() }
        let batches = Int(Self.environment["ROTORKV_STORAGE_BENCH_BATCHES"] ?? "") ?? 2000
        let data = [UInt8](repeating: 0x5A, count: 100)
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: StoreOptions(fsync: .always))
        defer { store.close() }
        var next: LogIndex = 1
        var latencies: [Double] = []
        let clock = ContinuousClock()
        for round in 0..<batches {
            let entries = (0..<entriesPerBatch).map { offset in LogEntry(index: next + LogIndex(offset), term: 1, data: data, timestamp: 0) }
            next += LogIndex(entriesPerBatch)
            let batch = [PersistRequest(token: UInt64(round), metadata: nil, truncateAfter: nil, entries: entries)]
            latencies.append(seconds(try clock.measure { try store.write(batch) }) * 1e6)
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let mean = latencies.reduce(0, +) / Double(latencies.count)
        print(String(format: "BENCH fdatasync batch: %d batches of %d x 100-byte entries: p50 %.0f us, p99 %.0f us, max %.0f us, mean %.0f us (%.0f entries/s)",
                     batches, entriesPerBatch, percentile(0.5), percentile(0.99), latencies.last!, mean,
                     Double(entriesPerBatch) * 1e6 / mean))
    }

    /// Storing a 128 MiB snapshot under `.always` (header and data written from
    /// the snapshot's own buffer, synced, renamed) and reading it back verified on open.
    @Test func largeSnapshotWriteAndRecovery() throws {
        let temp = benchDirectory()
        defer { temp.cleanUp() }
        let size = 128 << 20
        let data = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            for i in 0..<size { buffer[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
            initialized = size
        }
        let taken = Snapshot(index: 1000, term: 1, data: data)
        let (store, _) = try ReplicaStore.open(directory: temp.dataDirectory, options: StoreOptions(fsync: .always))
        try store.write([PersistRequest(token: 1, metadata: nil, truncateAfter: nil,
                                        entries: (1...1000).map { LogEntry(index: LogIndex($0), term: 1, data: [1], timestamp: 0) })])
        let clock = ContinuousClock()
        let write = try clock.measure {
            try store.write([PersistRequest(token: 2, metadata: nil, truncateAfter: nil, snapshot: taken, compactThrough: 1000, entries: [])])
        }
        store.close()
        var recovered = DurableState.initial
        let read = try clock.measure { recovered = try reopen(temp.dataDirectory) }
        #expect(recovered.snapshot == taken)
        print(String(format: "BENCH snapshot: %d MiB written and synced in %.0f ms (%.0f MiB/s), recovered in %.0f ms (%.0f MiB/s)",
                     size >> 20, seconds(write) * 1e3, Double(size >> 20) / seconds(write),
                     seconds(read) * 1e3, Double(size >> 20) / seconds(read)))
    }
}
