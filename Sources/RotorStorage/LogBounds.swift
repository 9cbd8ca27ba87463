import RotorConsensus

/// The log as a replay of the disk would rebuild it, reduced to what writing
/// needs: where it starts and ends, and the stored snapshot it continues. The
/// store keeps it in step with every record it writes, with the same rules
/// as `LogReplay`, so that what it accepts is exactly what recovery accepts.
struct LogBounds: Equatable {
    /// The first and last entry on disk, or `nil` for an empty log. Entries a
    /// snapshot covers may remain before the snapshot's index (compaction
    /// deletes whole segments only).
    private(set) var entries: ClosedRange<LogIndex>?
    /// The stored snapshot's position; index 0 without one.
    private(set) var snapshotIndex: LogIndex = 0
    private(set) var snapshotTerm: Term?

    init(log: [LogEntry], snapshot: Snapshot?) {
        if let first = log.first, let last = log.last { entries = first.index...last.index }
        snapshotIndex = snapshot?.index ?? 0
        snapshotTerm = snapshot?.term
    }

    /// As `DurableState.lastIndex`: the last entry, or the snapshot's index
    /// when the log is empty. The next entry must be `lastIndex + 1`.
    var lastIndex: LogIndex { entries?.upperBound ?? snapshotIndex }

    mutating func append(_ index: LogIndex) {
        entries = (entries?.lowerBound ?? index)...index
    }

    /// Drops the entries after `index`; callers never truncate below the
    /// snapshot, so an emptied log continues at `index + 1 == snapshotIndex + 1`.
    mutating func truncate(after index: LogIndex) {
        guard let current = entries, index < current.upperBound else { return }
        entries = index < current.lowerBound ? nil : current.lowerBound...index
    }

    /// `PersistRequest.apply`'s snapshot step: a log that does not connect to
    /// the snapshot is dropped. Returns whether it was.
    @discardableResult
    mutating func store(_ snapshot: Snapshot) -> Bool {
        snapshotIndex = snapshot.index
        snapshotTerm = snapshot.term
        guard let current = entries, current.lowerBound > snapshot.index + 1 || current.upperBound < snapshot.index else { return false }
        entries = nil
        return true
    }
}
