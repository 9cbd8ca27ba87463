/// Who an event belongs to: a workload client process, or the nemesis that injects faults.
///
/// Jepsen's convention, kept so the file reads like any Jepsen history: a client process issues
/// one operation at a time, and a process whose operation ended in `info` never issues another
/// (its request may still be in flight), so the client carries on under a fresh process number.
/// `ProcessNumbering` says which numbers a client uses.
public enum HistoryProcess: Sendable, Hashable, CustomStringConvertible {
    /// A workload client process; written as a JSON number, never negative.
    case client(Int)
    /// The fault injector; written as the JSON string `"nemesis"`.
    case nemesis

    /// `p3` or `nemesis`, as the reports name processes.
    public var description: String {
        switch self {
        case .client(let number): return "p\(number)"
        case .nemesis: return "nemesis"
        }
    }
}
