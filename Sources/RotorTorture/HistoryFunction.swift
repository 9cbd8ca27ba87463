/// The `f` of an event: which client operation, or which fault the nemesis injected.
///
/// One enum for both so a history line has a single vocabulary; `isClientOperation` and
/// `isNemesis` say which side a value belongs to, and the parser refuses a client event with a
/// nemesis function and the reverse.
public enum HistoryFunction: String, Sendable, Hashable, CaseIterable {
    /// A LINEARIZABLE read: part of the linearizability check.
    case read
    /// A LOCAL read with `min_index`: may be stale by design, so it is left out of the
    /// linearizability check and checked for read-your-writes instead.
    case readLocal = "read-local"
    /// An unconditional put; the value is the one written.
    case write
    /// A compare-and-set; the value is `[expected, new]`, `expected` null meaning "absent".
    case cas
    /// A delete; the value is null.
    case delete

    /// Nemesis: a replica process was killed (SIGKILL).
    case kill
    /// Nemesis: a killed replica was started again.
    case restart
    /// Nemesis: a replica process was paused (SIGSTOP).
    case pause
    /// Nemesis: a paused replica was resumed (SIGCONT).
    case resume
    /// Nemesis: the network was partitioned.
    case partition
    /// Nemesis: every partition was removed.
    case heal
    /// Nemesis: the workload began.
    case start
    /// Nemesis: the workload ended.
    case stop

    /// Whether a client may issue this.
    public var isClientOperation: Bool {
        switch self {
        case .read, .readLocal, .write, .cas, .delete: return true
        default: return false
        }
    }

    /// Whether only the nemesis may record this.
    public var isNemesis: Bool { !isClientOperation }

    /// Whether the operation can change a key. Reads cannot.
    public var isMutation: Bool {
        switch self {
        case .write, .cas, .delete: return true
        default: return false
        }
    }

    /// Whether this nemesis event injects a fault (rather than repairing one or marking time):
    /// what the report counts as "faults injected".
    public var isFault: Bool {
        switch self {
        case .kill, .pause, .partition: return true
        default: return false
        }
    }
}
