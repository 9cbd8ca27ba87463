import Foundation
import RotorConsensus
import RotorStorage
import Testing

/// A fresh directory under the system temp directory, removed by `cleanUp`.
struct TempDirectory {
    let path: String

    /// Made under `parent`, or the system temp directory.
    init(under parent: String? = nil) {
        let base = parent ?? NSTemporaryDirectory()
        var template = Array((base as NSString).appendingPathComponent("rotor-storage-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { fatalError("mkdtemp failed: \(errno)") }
        path = String(cString: created)
    }

    /// A path inside this directory that does not exist yet (the store creates it).
    var dataDirectory: String { path + "/replica" }
    var logDirectory: String { dataDirectory + "/log" }
    var metadataPath: String { dataDirectory + "/metadata" }
    var snapshotPath: String { dataDirectory + "/snapshot" }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Small deterministic generator (SplitMix64) so randomized tests replay exactly.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

func entry(_ index: LogIndex, term: Term = 1, _ text: String? = nil) -> LogEntry {
    LogEntry(index: index, term: term, data: Array((text ?? "v\(index)").utf8), timestamp: 1_000 + index)
}

func entries(_ range: ClosedRange<LogIndex>, term: Term = 1) -> [LogEntry] {
    range.map { entry($0, term: term) }
}

func request(_ token: UInt64, metadata: DurableMetadata? = nil, truncateAfter: LogIndex? = nil, snapshot: Snapshot? = nil,
             compactThrough: LogIndex? = nil, _ entries: [LogEntry] = []) -> PersistRequest {
    PersistRequest(token: token, metadata: metadata, truncateAfter: truncateAfter, snapshot: snapshot, compactThrough: compactThrough,
                   entries: entries)
}

/// A snapshot through `index` whose data names it (so two snapshots never look alike).
func snapshot(_ index: LogIndex, term: Term = 1, bytes: Int = 100) -> Snapshot {
    let seed = Array("snapshot \(index)/\(term):".utf8)
    return Snapshot(index: index, term: term, data: (0..<bytes).map { seed[$0 % seed.count] &+ UInt8(truncatingIfNeeded: $0 / seed.count) })
}

func metadata(term: Term, _ status: ViewStatus = .normal, lastNormal: Term? = nil) -> DurableMetadata {
    DurableMetadata(term: term, status: status, lastNormalTerm: lastNormal ?? term)
}

/// The in-memory model of a disk: what `PersistRequest.apply` says the batches do.
func applied(_ batches: [[PersistRequest]], to start: DurableState = .initial) -> DurableState {
    var state = start
    for batch in batches { for request in batch { request.apply(to: &state) } }
    return state
}

/// The model with whole-segment compaction allowed for: the disk may keep
/// entries the model compacted away (all covered by the snapshot) in front of
/// the model's log; everything else must be equal.
func expectSameModuloCompaction(_ recovered: DurableState, _ model: DurableState, _ comment: Comment? = nil,
                                sourceLocation: SourceLocation = #_sourceLocation) {
    let modelStart = model.log.first?.index ?? model.lastIndex + 1
    let kept = recovered.log.prefix { $0.index < modelStart }
    var trimmed = recovered
    trimmed.log.removeFirst(kept.count)
    #expect(trimmed == model, comment, sourceLocation: sourceLocation)
    #expect(kept.allSatisfy { $0.index <= model.snapshot?.index ?? 0 }, "only entries the snapshot covers stay behind", sourceLocation: sourceLocation)
    #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.index + 1 == $1.index }, "contiguous", sourceLocation: sourceLocation)
    expectRestorable(recovered, sourceLocation: sourceLocation)
}

/// What `ReplicatedLog(restoring:)` requires of a stored state: a log that
/// starts inside the snapshot reaches it; otherwise it starts right after it.
func expectRestorable(_ state: DurableState, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let first = state.log.first, let last = state.log.last else { return }
    let snapshotIndex = state.snapshot?.index ?? 0
    if first.index <= snapshotIndex {
        #expect(last.index >= snapshotIndex, "a log starting inside the snapshot reaches it", sourceLocation: sourceLocation)
    } else {
        #expect(first.index == snapshotIndex + 1, "a log after the snapshot starts right after it", sourceLocation: sourceLocation)
    }
}

/// The segment files of a log directory, sorted by name (= record order).
func segmentFiles(_ logDirectory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: logDirectory)) ?? []
    return names.filter { $0.hasSuffix(".wal") }.sorted().map { logDirectory + "/" + $0 }
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
}

func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

func readFile(_ path: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path) ?? Data())
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "could not write \(path)")
}

/// The on-disk size of an entry record, spelled out independently of the
/// implementation: 8 header bytes, kind, index, term, timestamp, data.
func recordSize(_ entry: LogEntry) -> Int { 8 + 1 + 24 + entry.data.count }
let truncationRecordSize = 8 + 1 + 8

let noSync = StoreOptions(fsync: .never)

/// Opens, writes the batches and closes.
func writeAll(_ batches: [[PersistRequest]], in directory: String, options: StoreOptions = noSync) throws {
    let (store, _) = try ReplicaStore.open(directory: directory, options: options)
    for batch in batches { try store.write(batch) }
    store.close()
}

/// What a fresh `open` recovers.
func reopen(_ directory: String, options: StoreOptions = noSync) throws -> DurableState {
    let (store, state) = try ReplicaStore.open(directory: directory, options: options)
    store.close()
    return state
}

/// What `open` threw, if it threw a `StorageError`.
func openError(_ directory: String) -> StorageError? {
    do {
        _ = try reopen(directory)
        return nil
    } catch {
        return error as? StorageError
    }
}

/// Records the faultable operations a store performs and fails the one a
/// test arms, for a `@Sendable` `StoreOptions.faultInjector`.
final class FaultScript: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [FaultPoint] = []
    private var armed: (matches: (FaultPoint) -> Bool, skip: Int, fault: InjectedFault)?

    var seen: [FaultPoint] { lock.withLock { calls } }
    var syncCount: Int { seen.filter { $0 == .logSync }.count }
    var logWriteCount: Int { seen.filter { if case .logWrite = $0 { true } else { false } }.count }

    /// Fails the first operation matching `matches` after `skip` matching ones pass.
    func arm(_ fault: InjectedFault, skip: Int = 0, on matches: @escaping (FaultPoint) -> Bool) {
        lock.withLock { armed = (matches, skip, fault) }
    }

    static func isLogWrite(_ point: FaultPoint) -> Bool { if case .logWrite = point { true } else { false } }
    static func isSnapshotWrite(_ point: FaultPoint) -> Bool { if case .snapshotWrite = point { true } else { false } }

    /// Options that report to this script.
    func options(_ fsync: FsyncPolicy = .always, segmentBytes: Int = 64 << 20) -> StoreOptions {
        StoreOptions(fsync: fsync, segmentBytes: segmentBytes, faultInjector: { point in self.consult(point) })
    }

    private func consult(_ point: FaultPoint) -> InjectedFault? {
        lock.withLock {
            calls.append(point)
            guard let plan = armed, plan.matches(point) else { return nil }
            if plan.skip > 0 {
                armed?.skip -= 1
                return nil
            }
            armed = nil
            return plan.fault
        }
    }
}
