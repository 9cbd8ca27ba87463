/// The `value` of an event. Its shape depends on the function: a string for a write, a pair
/// `[expected, new]` for a compare-and-set, a string or null for what a read saw, null for a
/// delete, and a free-form description (or null) for the nemesis.
///
/// Keys and values of the torture workload are UTF-8 strings, so the history stays readable and
/// greppable; nothing in the format carries arbitrary bytes.
public enum HistoryValue: Sendable, Hashable {
    /// JSON `null`: no value, or an absent key.
    case null
    /// A JSON string.
    case string(String)
    /// A two-element JSON array of strings or nulls: a compare-and-set's `[expected, new]`.
    case pair(String?, String?)

    /// The string, or nil for `null` (an absent key). Nil for a pair as well.
    public var stringOrNil: String? {
        if case .string(let string) = self { return string }
        return nil
    }
}
