import RotorConsensus
import RotorModel

/// Checks the protocol's safety properties as the run goes, from what the
/// replicas apply and what clients are told:
/// - agreement: an index, once committed anywhere, holds the same entry everywhere;
/// - durability: every acknowledged write stays in the committed log, and
///   every new leader's log already holds every committed entry.
struct SafetyMonitor {
    private(set) var committed: [LogIndex: LogEntry] = [:]
    /// The term of the replica that first applied each index: the term it was committed in.
    private(set) var committedInTerm: [LogIndex: Term] = [:]
    /// Log indexes of writes some client was told succeeded.
    private(set) var acknowledged: [LogIndex: (client: Int, requestID: Int64)] = [:]
    private(set) var violations: [String] = []

    mutating func applied(_ entry: LogEntry, at replica: Int, term: Term, time: Int64) {
        if let known = committed[entry.index] {
            if known != entry {
                violate("agreement: replica \(replica) applied \(describe(entry)) at index \(entry.index), but \(describe(known)) was committed there", time)
            }
        } else {
            committed[entry.index] = entry
            committedInTerm[entry.index] = term
        }
    }

    mutating func acknowledged(index: LogIndex, client: Int, requestID: Int64, time: Int64) {
        guard committed[index] != nil else {
            violate("durability: client \(client) request \(requestID) was acknowledged at index \(index), which no replica applied", time)
            return
        }
        acknowledged[index] = (client, requestID)
    }

    /// A leader just started its term: its log must hold every entry committed
    /// in an earlier term (leader completeness). A leader of a stale term may
    /// start late, but it can never commit, so later commits do not bind it.
    /// Entries the leader compacted into its snapshot (through `baseIndex`)
    /// are not compared here; convergence compares the state they produced.
    mutating func leaderStarted(replica: Int, term: Term, baseIndex: LogIndex, log: [LogEntry], time: Int64) {
        for (index, entry) in committed where committedInTerm[index]! < term && index > baseIndex
            && (index > baseIndex + LogIndex(log.count) || log[Int(index - baseIndex - 1)] != entry) {
            let acked = acknowledged[index].map { " (acknowledged to client \($0.client), request \($0.requestID))" } ?? ""
            violate("durability: leader \(replica) of term \(term) started without committed entry \(index) \(describe(entry))\(acked)", time)
        }
    }

    /// At the end: every replica's log holds every acknowledged write.
    /// Each log is (baseIndex, entries after it); compacted entries are
    /// covered by the state digests instead.
    mutating func checkFinalLogs(_ logs: [Int: (baseIndex: LogIndex, entries: [LogEntry])], time: Int64) {
        for (replica, log) in logs.sorted(by: { $0.key < $1.key }) {
            for index in acknowledged.keys.sorted() where index > log.baseIndex {
                let entry = committed[index]!
                if index > log.baseIndex + LogIndex(log.entries.count) || log.entries[Int(index - log.baseIndex - 1)] != entry {
                    violate("durability: replica \(replica) lost acknowledged entry \(index) \(describe(entry))", time)
                }
            }
        }
    }

    mutating func violate(_ message: String, _ time: Int64) {
        violations.append("[t=\(Double(time) / 1e9)s] \(message)")
    }

    private func describe(_ entry: LogEntry) -> String {
        "(term \(entry.term), \(entry.data.count) bytes)"
    }
}
