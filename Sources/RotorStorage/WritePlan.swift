import RotorConsensus

/// Log records encoded for one write(2).
struct RecordRun {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0
    private var lowest = LogIndex.max
    private var highest = LogIndex.min

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var isEmpty: Bool { count == 0 }
    /// The lowest and highest entry index in the run, for `SegmentSpan`.
    var entryIndices: ClosedRange<LogIndex>? { lowest <= highest ? lowest...highest : nil }

    mutating func append(_ record: LogRecord) {
        RecordFormat.append(record, to: &bytes)
        count += 1
        if case .entry(let entry) = record {
            lowest = min(lowest, entry.index)
            highest = max(highest, entry.index)
        }
    }
}

/// One group of a batch (see `ReplicaStore.write`) as the disk operations it
/// needs, in the order they must happen.
struct GroupPlan {
    enum Step {
        /// Records appended with one write(2), synced under `.always`.
        case records(RecordRun)
        /// A snapshot to store. The records after it, which begin with its
        /// mark, are written only once it is durable: a mark may drop the log,
        /// and must never be replayed without the snapshot that stands for it.
        case snapshot(Snapshot)
    }

    var steps: [Step] = []
    /// Written after every step: log changes are durable before the metadata.
    var metadata: DurableMetadata?
    /// The highest `compactThrough` of the group: segments it covers go last.
    var compactThrough: LogIndex?
    /// The log once the group is written.
    var boundsAfter: LogBounds
}

/// Turns groups of persist requests into plans, in order, following
/// `PersistRequest.apply` step by step (truncation, snapshot, compaction,
/// entries) on the log's bounds. It rejects, before anything is written,
/// what the log cannot represent.
struct WritePlanner {
    private(set) var bounds: LogBounds

    init(bounds: LogBounds) {
        self.bounds = bounds
    }

    mutating func plan(_ group: ArraySlice<PersistRequest>) throws(StorageError) -> GroupPlan {
        var plan = GroupPlan(metadata: group.last?.metadata, boundsAfter: bounds)
        var remaining = group.reduce(0) { $0 + Self.encodedSize($1) }
        var run = RecordRun(reservingCapacity: remaining)
        func add(_ record: LogRecord, size: Int) {
            run.append(record)
            remaining -= size
        }
        for request in group {
            if let after = try truncation(of: request) {
                add(.truncate(after: after), size: RecordFormat.encodedTruncationSize)
            }
            if let snapshot = try snapshot(of: request) {
                if !run.isEmpty { plan.steps.append(.records(run)) }
                plan.steps.append(.snapshot(snapshot))
                run = RecordRun(reservingCapacity: remaining)
                add(.snapshot(index: snapshot.index, term: snapshot.term), size: RecordFormat.encodedSnapshotMarkSize)
            }
            if let through = try compaction(of: request) {
                plan.compactThrough = max(plan.compactThrough ?? through, through)
            }
            for entry in request.entries {
                try check(entry, of: request)
                bounds.append(entry.index)
                add(.entry(entry), size: RecordFormat.encodedSize(entry))
            }
        }
        if !run.isEmpty { plan.steps.append(.records(run)) }
        plan.boundsAfter = bounds
        return plan
    }

    /// The truncation to record, if it drops anything. Never into the stored
    /// snapshot: entries it covers are committed, and replay relies on an
    /// emptied log continuing right after the snapshot.
    private mutating func truncation(of request: PersistRequest) throws(StorageError) -> LogIndex? {
        guard let after = request.truncateAfter else { return nil }
        guard after >= 0 else { throw .invalidRequest("request \(request.token): truncation after negative index \(after)") }
        guard after >= bounds.snapshotIndex else {
            throw .invalidRequest("request \(request.token): truncation after index \(after), inside the snapshot through index \(bounds.snapshotIndex)")
        }
        guard after < bounds.lastIndex else { return nil }
        bounds.truncate(after: after)
        return after
    }

    /// The snapshot to store. Snapshots only move forward (the core never
    /// replaces a snapshot with an older one); replay relies on it.
    private mutating func snapshot(of request: PersistRequest) throws(StorageError) -> Snapshot? {
        guard let snapshot = request.snapshot else { return nil }
        let sameAsStored = snapshot.index == bounds.snapshotIndex && snapshot.term == bounds.snapshotTerm
        guard snapshot.index > bounds.snapshotIndex || sameAsStored else {
            throw .invalidRequest("""
                request \(request.token): snapshot through index \(snapshot.index) of term \(snapshot.term) does not follow \
                the stored snapshot through index \(bounds.snapshotIndex)
                """)
        }
        bounds.store(snapshot)
        return snapshot
    }

    private func compaction(of request: PersistRequest) throws(StorageError) -> LogIndex? {
        guard let through = request.compactThrough else { return nil }
        guard through >= 0, through <= bounds.snapshotIndex else {
            throw .invalidRequest("request \(request.token): compaction through index \(through), past the stored snapshot through \(bounds.snapshotIndex)")
        }
        return through
    }

    private func check(_ entry: LogEntry, of request: PersistRequest) throws(StorageError) {
        guard entry.index == bounds.lastIndex + 1 else {
            throw .invalidRequest("request \(request.token): entry index \(entry.index) does not extend the log, whose next index is \(bounds.lastIndex + 1)")
        }
        guard RecordFormat.entryFixedBytes + entry.data.count <= RecordFormat.maxPayloadBytes else {
            throw .invalidRequest("request \(request.token): entry \(entry.index) holds \(entry.data.count) bytes, over the record limit")
        }
    }

    /// At most what the request's records take (the truncation may be skipped).
    private static func encodedSize(_ request: PersistRequest) -> Int {
        var size = request.truncateAfter == nil ? 0 : RecordFormat.encodedTruncationSize
        if request.snapshot != nil { size += RecordFormat.encodedSnapshotMarkSize }
        for entry in request.entries { size += RecordFormat.encodedSize(entry) }
        return size
    }
}
