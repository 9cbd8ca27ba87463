import RotorModel

/// What applying a `KvCommand` produced. Session tables cache it, so a
/// duplicate of a write is answered exactly as the original was.
public enum KvCommandResult: Sendable, Equatable {
    case put
    case delete(existed: Bool)
    /// `current` is the value found when the comparison failed, nil if the key
    /// was absent; always nil on success.
    case compareAndSet(succeeded: Bool, current: Bytes?)
}
