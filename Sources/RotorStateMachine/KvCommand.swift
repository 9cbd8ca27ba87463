import RotorModel

/// A write to the key space: the payload of a log entry. Commands never fail;
/// a compare-and-set that does not match is a result, not an error, so every
/// replica applies every command to the same effect.
public enum KvCommand: Sendable, Equatable {
    case put(key: Bytes, value: Bytes)
    case delete(key: Bytes)
    /// Sets `key` to `newValue` only if its value equals `expected`;
    /// a nil `expected` means "only if the key is absent".
    case compareAndSet(key: Bytes, expected: Bytes?, newValue: Bytes)

    /// The key the command writes.
    public var key: Bytes {
        switch self {
        case .put(let key, _), .delete(let key), .compareAndSet(let key, _, _): key
        }
    }
}
