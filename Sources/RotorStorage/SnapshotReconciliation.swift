import Logging
import RotorConsensus

/// At open: makes the replayed log agree with the stored snapshot, or stops
/// the start when they cannot both be what the store wrote.
///
/// The store writes a snapshot file and then a snapshot mark in the log, so
/// the log's last mark is normally the stored snapshot. A crash between the
/// two leaves a newer file than mark; the snapshot step of
/// `PersistRequest.apply` is then applied here, as the missing mark would
/// have been on replay, and open appends the mark so that every later replay
/// (and every entry appended after it) agrees.
enum SnapshotReconciliation {
    /// Returns whether the log changed, so that open must append the
    /// snapshot's mark to make the change durable.
    static func reconcile(_ replay: inout LogReplay, with snapshot: Snapshot?, snapshotPath: String,
                          logger: Logger) throws(StorageError) -> Bool {
        guard let snapshot else {
            if let mark = replay.lastSnapshotMark {
                throw .corrupted(file: snapshotPath, offset: 0, reason: """
                    the snapshot file is missing, but the log records a snapshot through index \(mark.index): \
                    the entries it stands for may be gone from the log
                    """)
            }
            return false
        }
        let stored = LogReplay.SnapshotMark(index: snapshot.index, term: snapshot.term)
        try checkNotStale(stored, lastMark: replay.lastSnapshotMark, snapshotPath: snapshotPath)
        var changed = false
        if replay.lastSnapshotMark != stored {
            let before = replay.log.count
            changed = replay.applySnapshotMark(stored, at: LogReplay.Location(file: snapshotPath, offset: 0))
            if replay.log.count < before {
                // Safe: PersistRequest.apply drops a log that does not reach its
                // snapshot, and every dropped entry is at or below the snapshot's
                // index, so the snapshot holds what they did. This is a state
                // transfer cut short after the snapshot was stored.
                logger.warning("dropping log entries that end before the stored snapshot (its log record was cut short)", metadata: [
                    "entries": "\(before)", "snapshotIndex": "\(snapshot.index)",
                ])
            }
        }
        try checkConnects(replay, to: snapshot, snapshotPath: snapshotPath)
        return changed
    }

    /// The file is written before its mark, so a mark newer than the file
    /// means the file is not the one the store wrote last.
    private static func checkNotStale(_ stored: LogReplay.SnapshotMark, lastMark: LogReplay.SnapshotMark?,
                                      snapshotPath: String) throws(StorageError) {
        guard let lastMark, lastMark.index > stored.index || (lastMark.index == stored.index && lastMark.term != stored.term) else { return }
        throw .corrupted(file: snapshotPath, offset: 0, reason: """
            the snapshot file holds index \(stored.index) of term \(stored.term), but the log records a later snapshot \
            through index \(lastMark.index) of term \(lastMark.term): the file is stale or was replaced
            """)
    }

    /// The log must continue the snapshot: reach its index if it starts at or
    /// before it, or start right after it. The writer keeps it so (compaction
    /// deletes only segments the snapshot covers; a mark drops a log that does
    /// not reach its snapshot), so a gap here means entries past the
    /// snapshot, acknowledged ones among them, are gone. Dropping the rest to
    /// get going would hide that loss, so the start stops instead.
    private static func checkConnects(_ replay: LogReplay, to snapshot: Snapshot, snapshotPath: String) throws(StorageError) {
        let start = replay.logStart ?? LogReplay.Location(file: snapshotPath, offset: 0)
        func gap(_ reason: String) -> StorageError { .corrupted(file: start.file, offset: Int64(start.offset), reason: reason) }
        if let first = replay.log.first?.index, let last = replay.log.last?.index {
            guard first <= snapshot.index + 1 else {
                throw gap("the log starts at index \(first) but the snapshot ends at index \(snapshot.index): entries in between are missing")
            }
            guard last >= snapshot.index else {
                throw gap("the log ends at index \(last), before the snapshot's index \(snapshot.index), although it records that snapshot")
            }
        } else if let next = replay.nextIndex, next > snapshot.index + 1 {
            throw gap("the log continues at index \(next) but holds no entry after the snapshot through index \(snapshot.index)")
        }
    }
}
