import RotorConsensus

// What a decoded consensus call or reply must satisfy before it reaches the
// core, which takes it for granted: no negative term, index or replica id, and
// entries numbered consecutively from where the message says they start. A
// call that breaks it is answered with PROTOCOL_ERROR; a reply, dropped.

extension PeerCall {
    /// Why this call cannot have come from a correct replica, or nil.
    var validationProblem: String? {
        switch self {
        case .appendEntry(let m):
            return firstProblem(
                nonNegative(m.term, "leader_term"), nonNegative(Int64(m.leaderID), "leader_id"),
                nonNegative(m.prevIndex, "prev_log_index"), termBound(m.prevTerm, "prev_log_term", m.term),
                nonNegative(m.leaderCommit, "leader_commit"), nonNegative(m.termStartIndex, "term_start_index"),
                consecutive(m.entries, from: m.prevIndex &+ 1, through: nil, term: m.term))
        case .commitNotification(let m):
            return firstProblem(nonNegative(m.term, "leader_term"), nonNegative(Int64(m.leaderID), "leader_id"),
                                nonNegative(m.commitIndex, "commit_index"))
        case .startViewChange(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                                nonNegative(m.proposedTerm, "proposed_term"))
        case .doViewChange(let m):
            return firstProblem(
                nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                termBound(m.lastNormalTerm, "last_normal_term", m.term), nonNegative(m.lastIndex, "last_index"),
                nonNegative(m.commitIndex, "commit_index"), nonNegative(m.entriesFrom, "entries_from"),
                consecutive(m.entries, from: m.entriesFrom, through: m.lastIndex, term: m.term),
                logBase(m))
        case .requestLog(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                                nonNegative(m.fromIndex, "from_index"))
        case .installSnapshot(let m):
            return firstProblem(
                nonNegative(m.term, "leader_term"), nonNegative(Int64(m.leaderID), "leader_id"),
                positive(m.snapshotIndex, "snapshot_index"), termBound(m.snapshotTerm, "snapshot_term", m.term),
                nonNegative(m.leaderCommit, "leader_commit"), nonNegative(m.termStartIndex, "term_start_index"),
                chunkWithin(m))
        case .snapshotAck(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                                nonNegative(m.snapshotIndex, "snapshot_index"), nonNegative(Int64(m.nextOffset), "next_offset"))
        case .recover(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"))
        case .recoveryResponse(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                                m.leaderLastIndex.flatMap { nonNegative($0, "leader_last_index") })
        }
    }
}

extension PeerReply {
    /// Why this reply cannot have come from a correct replica, or nil.
    var validationProblem: String? {
        switch self {
        case .appendEntry(let m):
            firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                         nonNegative(m.matchIndex, "match_index"), nonNegative(m.conflictHint, "conflict_hint"),
                         nonNegative(m.prevIndex, "prev_log_index"))
        case .commitNotification(let m):
            firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                         nonNegative(m.matchIndex, "match_index"))
        case .done:
            nil
        }
    }
}

private func firstProblem(_ problems: String?...) -> String? {
    problems.lazy.compactMap { $0 }.first
}

private func nonNegative(_ value: Int64, _ name: String) -> String? {
    value < 0 ? "\(name) is negative (\(value))" : nil
}

private func positive(_ value: Int64, _ name: String) -> String? {
    value < 1 ? "\(name) must be positive, got \(value)" : nil
}

/// A term the sender knew of: not negative, and not beyond the sender's own term.
private func termBound(_ value: Int64, _ name: String, _ term: Int64) -> String? {
    if value < 0 { return "\(name) is negative (\(value))" }
    return value > term ? "\(name) \(value) is beyond the sender's term \(term)" : nil
}

/// Entries numbered `from`, `from + 1`, ... (ending at or before `through` when given),
/// each of a term in 0...`term` (an entry's term is that of the leader that created it).
private func consecutive(_ entries: [LogEntry], from first: Int64, through last: Int64?, term: Int64) -> String? {
    for (offset, entry) in entries.enumerated() {
        let expected = first &+ Int64(offset)
        if entry.index != expected || entry.index < 1 {
            return "entry \(offset) has index \(entry.index), expected \(expected) (entries must be consecutive)"
        }
        if entry.term < 0 || entry.term > term {
            return "entry \(entry.index) has term \(entry.term), outside 0...\(term)"
        }
    }
    // A DoViewChange carries one bounded chunk: it may end before last_index, never after it.
    if let last, let final = entries.last, final.index > last {
        return "entries end at index \(final.index), beyond last_index \(last)"
    }
    return nil
}

/// A DoViewChange's log base (absent on the wire from senders that never
/// compact, hence 0): inside the sender's log, and before the entries it sends.
private func logBase(_ m: DoViewChange) -> String? {
    if let problem = firstProblem(nonNegative(m.baseIndex, "base_index"), termBound(m.baseTerm, "base_term", m.term)) {
        return problem
    }
    if m.baseIndex > m.lastIndex { return "base_index \(m.baseIndex) is beyond last_index \(m.lastIndex)" }
    if !m.entries.isEmpty && m.entriesFrom <= m.baseIndex {
        return "entries_from \(m.entriesFrom) is not after base_index \(m.baseIndex) (those entries are compacted)"
    }
    return nil
}

/// A snapshot chunk lies inside the snapshot: 0 <= offset and offset + its length <= total_bytes.
private func chunkWithin(_ m: InstallSnapshot) -> String? {
    if m.totalBytes < 0 { return "total_bytes is negative (\(m.totalBytes))" }
    if m.offset < 0 { return "offset is negative (\(m.offset))" }
    if m.offset > m.totalBytes { return "offset \(m.offset) is beyond total_bytes \(m.totalBytes)" }
    if m.data.count > m.totalBytes - m.offset {
        return "a chunk of \(m.data.count) bytes at offset \(m.offset) runs past total_bytes \(m.totalBytes)"
    }
    return nil
}
