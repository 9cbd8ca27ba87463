import RotorConsensus

extension ReplicaStore {
    /// Writes a batch of persist requests in order and returns once all of it
    /// is durable (under `.always`), with one `fdatasync` for the whole batch
    /// when no request in it but the last carries metadata (group commit).
    ///
    /// The contract of `PersistRequest` holds across a crash: the batch is cut
    /// into groups, each ending at a request with metadata, and a group's log
    /// records are written and synced before its metadata is replaced, and
    /// before anything of the next group is written.
    ///
    /// On a throw the store is failed: every later `write` throws too, and the
    /// caller must stop acknowledging. The failed group's records are cut off
    /// again, so a reopen sees the batch's earlier groups at most, as after a crash.
    public func write(_ batch: [PersistRequest]) throws(StorageError) {
        if isClosed { throw .closed }
        if let failure { throw .storeFailed(cause: failure.description) }
        try validate(batch)
        var groupStart = batch.startIndex
        for position in batch.indices where batch[position].metadata != nil || position == batch.endIndex - 1 {
            try commit(batch[groupStart...position])
            groupStart = position + 1
        }
    }

    /// Rejects a batch whose entries would not extend the log, before anything is written.
    private func validate(_ batch: [PersistRequest]) throws(StorageError) {
        var last = lastIndex
        for request in batch {
            if let after = request.truncateAfter {
                guard after >= 0 else { throw .invalidRequest("request \(request.token): truncation after negative index \(after)") }
                last = min(last, after)
            }
            for entry in request.entries {
                guard entry.index == last + 1 else {
                    throw .invalidRequest("request \(request.token): entry index \(entry.index) does not extend the log, whose next index is \(last + 1)")
                }
                guard RecordFormat.entryFixedBytes + entry.data.count <= RecordFormat.maxPayloadBytes else {
                    throw .invalidRequest("request \(request.token): entry \(entry.index) holds \(entry.data.count) bytes, over the record limit")
                }
                last = entry.index
            }
        }
    }

    /// One group: its log records in one write and one sync, then its metadata if any.
    private func commit(_ group: ArraySlice<PersistRequest>) throws(StorageError) {
        let (records, count, newLastIndex) = encode(group)
        var undo: (segment: SegmentFile, size: Int64)?
        if count > 0 {
            undo = try appendDurably(records)
            nextSequence += Int64(count)
            lastIndex = newLastIndex
        }
        guard let metadata = group.last?.metadata else { return }
        do {
            try metadataFile.prepare(metadata, options: options)
        } catch {
            // The old metadata still stands: put the log back in step with it.
            if let undo { rollBack(undo.segment, to: undo.size) }
            throw fail(error)
        }
        do { try metadataFile.commit(options: options) } catch { throw fail(error) }
    }

    /// The group's records as one buffer (one write(2)), their count, and the
    /// last index after them. Truncations that drop nothing are not written.
    private func encode(_ group: ArraySlice<PersistRequest>) -> ([UInt8], Int, LogIndex) {
        var last = lastIndex
        var size = 0
        for request in group { size += RecordFormat.encodedTruncationSize + request.entries.reduce(0) { $0 + RecordFormat.encodedSize($1) } }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(size)
        var count = 0
        for request in group {
            if let after = request.truncateAfter, after < last {
                RecordFormat.append(.truncate(after: after), to: &buffer)
                count += 1
                last = after
            }
            for entry in request.entries { RecordFormat.append(.entry(entry), to: &buffer) }
            count += request.entries.count
            last = request.entries.last?.index ?? last
        }
        return (buffer, count, last)
    }

    /// Appends to the current segment (starting a new one if it is full) and
    /// syncs under `.always`. Returns how to undo the append.
    private func appendDurably(_ records: [UInt8]) throws(StorageError) -> (segment: SegmentFile, size: Int64) {
        let target: SegmentFile
        do { target = try currentSegment() } catch { throw fail(error) }
        let sizeBefore = target.size
        do {
            try target.append(records, options: options)
            if options.fsync == .always { try target.sync(options: options) }
        } catch {
            rollBack(target, to: sizeBefore)
            throw fail(error)
        }
        return (target, sizeBefore)
    }

    /// The segment to append to: a new one once the current reaches `segmentBytes`.
    private func currentSegment() throws(StorageError) -> SegmentFile {
        if let segment, segment.size == 0 || segment.size < Int64(options.segmentBytes) { return segment }
        let next = try SegmentFile.create(in: logDirectory, firstSequence: nextSequence, options: options)
        segment?.close()
        segment = next
        return next
    }

    /// Cuts a failed append off, so a reopen never replays half of it. If even
    /// that fails, a reopen sees what a crash at this point would leave: a torn
    /// tail to cut, or whole records that were never acknowledged (harmless
    /// for the protocol: the store writes nothing after them).
    private func rollBack(_ target: SegmentFile, to size: Int64) {
        do {
            try target.truncate(to: size, options: options)
        } catch {
            logger.error("could not cut a failed write off the log", metadata: ["file": "\(target.path)", "error": "\(error)"])
        }
    }

    /// Marks the store failed and returns the error to throw.
    private func fail(_ error: StorageError) -> StorageError {
        logger.error("replica storage failed; refusing further writes", metadata: ["error": "\(error)"])
        failure = error
        return error
    }
}
