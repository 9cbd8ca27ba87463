import RotorConsensus

extension ReplicaStore {
    /// Deletes the oldest segments while every entry in them is at or below
    /// `index`, which a durable snapshot covers. Only whole files go, only
    /// from the front (so the record sequence never has a hole) and never the
    /// segment being appended to. Under `.always` the directory is synced
    /// after each deletion: POSIX does not order directory updates across a
    /// crash, and a later segment gone while an earlier one remains would
    /// look like a lost segment on the next open.
    func compact(through index: LogIndex) throws(StorageError) {
        var deleted = 0
        while segments.count > 1, segments[0].isCovered(through: index) {
            do {
                try FileSystem.removeFile(segments[0].path)
                if options.fsync == .always { try FileSystem.syncDirectory(logDirectory) }
            } catch {
                throw fail(error)
            }
            segments.removeFirst()
            deleted += 1
        }
        if deleted > 0 {
            logger.debug("deleted log segments a snapshot covers", metadata: [
                "segments": "\(deleted)", "through": "\(index)", "remaining": "\(segments.count)",
            ])
        }
    }
}
