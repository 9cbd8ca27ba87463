import RotorConsensus

extension ReplicaStore {
    /// Writes a batch of persist requests in order and returns once all of it
    /// is durable (under `.always`), with one `fdatasync` for the whole batch
    /// when no request in it but the last carries metadata or a snapshot
    /// (group commit).
    ///
    /// The contract of `PersistRequest` holds across a crash: the batch is cut
    /// into groups, each ending at a request with metadata, and a group's log
    /// records are written and synced before its metadata is replaced, and
    /// before anything of the next group is written. Inside a group, a
    /// snapshot is made durable (`<dir>/snapshot`) after the records before it
    /// and before the records after it, which begin with its mark; segments
    /// the group's `compactThrough` covers are deleted last, so never before
    /// the snapshot that stands for them is durable.
    ///
    /// On a throw the store is failed: every later `write` throws too, and the
    /// caller must stop acknowledging. What the failed group wrote since its
    /// last stored snapshot is cut off again, so a reopen sees what a crash at
    /// that point would have left.
    public func write(_ batch: [PersistRequest]) throws(StorageError) {
        if isClosed { throw .closed }
        if let failure { throw .storeFailed(cause: failure.description) }
        var planner = WritePlanner(bounds: bounds)
        var plans: [GroupPlan] = []
        var groupStart = batch.startIndex
        for position in batch.indices where batch[position].metadata != nil || position == batch.endIndex - 1 {
            plans.append(try planner.plan(batch[groupStart...position]))
            groupStart = position + 1
        }
        for plan in plans { try commit(plan) }
    }

    /// One group: its steps in order, then its metadata, then compaction.
    private func commit(_ plan: GroupPlan) throws(StorageError) {
        var undo: [(segment: SegmentFile, size: Int64)] = []
        for step in plan.steps {
            switch step {
            case .records(let run):
                undo.append(try appendDurably(run))
            case .snapshot(let snapshot):
                try store(snapshot, undoing: &undo)
            }
        }
        if let metadata = plan.metadata {
            do {
                try metadataFile.prepare(metadata, options: options)
            } catch {
                // The old metadata still stands: put the log back in step with it.
                rollBack(undo)
                throw fail(error)
            }
            do { try metadataFile.commit(options: options) } catch { throw fail(error) }
        }
        bounds = plan.boundsAfter
        if let through = plan.compactThrough { try compact(through: through) }
    }

    /// Replaces the stored snapshot. If the new file cannot be written, the
    /// old snapshot stands and the group's records so far are cut off. Once
    /// the rename is attempted the new snapshot may be in force, and the
    /// records before it (a truncation of a conflicting suffix, say) must stay
    /// with it: they are no longer undone.
    private func store(_ snapshot: Snapshot, undoing undo: inout [(segment: SegmentFile, size: Int64)]) throws(StorageError) {
        do {
            try snapshotFile.prepare(snapshot, options: options)
        } catch {
            rollBack(undo)
            throw fail(error)
        }
        undo.removeAll()
        do { try snapshotFile.commit(options: options) } catch { throw fail(error) }
    }

    /// Writes the mark of the stored snapshot at open, when a crash kept it
    /// from the log (see `SnapshotReconciliation`).
    func appendSnapshotMark(_ snapshot: Snapshot) throws(StorageError) {
        var run = RecordRun(reservingCapacity: RecordFormat.encodedSnapshotMarkSize)
        run.append(.snapshot(index: snapshot.index, term: snapshot.term))
        _ = try appendDurably(run)
    }

    /// Appends to the current segment (starting a new one if it is full) and
    /// syncs under `.always`. Returns how to undo the append.
    private func appendDurably(_ run: RecordRun) throws(StorageError) -> (segment: SegmentFile, size: Int64) {
        let target: SegmentFile
        do { target = try currentSegment() } catch { throw fail(error) }
        let sizeBefore = target.size
        do {
            try target.append(run.bytes, options: options)
            if options.fsync == .always { try target.sync(options: options) }
        } catch {
            rollBack([(target, sizeBefore)])
            throw fail(error)
        }
        nextSequence += Int64(run.count)
        segments[segments.count - 1].include(run.entryIndices)
        return (target, sizeBefore)
    }

    /// The segment to append to: a new one once the current reaches `segmentBytes`.
    private func currentSegment() throws(StorageError) -> SegmentFile {
        if let segment, segment.size == 0 || segment.size < Int64(options.segmentBytes) { return segment }
        let next = try SegmentFile.create(in: logDirectory, firstSequence: nextSequence, options: options)
        segment?.close()
        segment = next
        segments.append(SegmentSpan(path: next.path, firstSequence: next.firstSequence))
        return next
    }

    /// Cuts failed or orphaned appends off, newest first, so a reopen never
    /// replays half of them. If even that fails, a reopen sees what a crash
    /// at this point would leave: a torn tail to cut, or whole records that
    /// were never acknowledged (harmless for the protocol: the store writes
    /// nothing after them).
    private func rollBack(_ appends: [(segment: SegmentFile, size: Int64)]) {
        for (target, size) in appends.reversed() {
            do {
                try target.truncate(to: size, options: options)
            } catch {
                logger.error("could not cut a failed write off the log", metadata: ["file": "\(target.path)", "error": "\(error)"])
            }
        }
    }

    /// Marks the store failed and returns the error to throw.
    func fail(_ error: StorageError) -> StorageError {
        logger.error("replica storage failed; refusing further writes", metadata: ["error": "\(error)"])
        failure = error
        return error
    }
}
