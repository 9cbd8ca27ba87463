import RotorModel

/// What a client observed when an operation completed with `ok`. Each case matches the
/// `OperationKind` case of the same name; the checker reports any other pairing as a malformed
/// history rather than guessing.
public enum OperationOutput: Sendable, Hashable {
    /// The value the read returned; nil when the key was absent.
    case read(Bytes?)
    /// A put returns nothing observable.
    case write
    /// Whether the key existed before the delete; nil when the client does not know or does not
    /// care, so the checker accepts either.
    case delete(existed: Bool?)
    /// Whether the swap happened. `false` is still an operation that took effect: it observed a
    /// value other than `expected` (record it as `ok`, not `fail`).
    case compareAndSet(succeeded: Bool)
}
