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
                consecutive(m.entries, from: m.entriesFrom, through: m.lastIndex, term: m.term))
        case .requestLog(let m):
            return firstProblem(nonNegative(m.term, "term"), nonNegative(Int64(m.from), "replica_id"),
                                nonNegative(m.fromIndex, "from_index"))
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

/// A term the sender knew of: not negative, and not beyond the sender's own term.
private func termBound(_ value: Int64, _ name: String, _ term: Int64) -> String? {
    if value < 0 { return "\(name) is negative (\(value))" }
    return value > term ? "\(name) \(value) is beyond the sender's term \(term)" : nil
}

/// Entries numbered `from`, `from + 1`, ... (ending at `through` when given),
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
    if let last, let final = entries.last, final.index != last {
        return "entries end at index \(final.index), but last_index is \(last)"
    }
    return nil
}
