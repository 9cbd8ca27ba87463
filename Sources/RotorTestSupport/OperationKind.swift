import RotorModel

/// What a client asked one key's register to do, with the inputs it sent.
///
/// The checker models every key as a single register holding `Bytes?` (nil = absent), so these
/// four cases are the whole vocabulary; scans and multi-key requests are out of scope and must
/// not be recorded.
public enum OperationKind: Sendable, Hashable {
    /// Observe the current value. Its output is `OperationOutput.read(_:)`.
    case read
    /// Unconditionally store `value` (a put). Its output is `OperationOutput.write`.
    case write(Bytes)
    /// Make the key absent. Its output is `OperationOutput.delete(existed:)`.
    case delete
    /// Store `new` only if the register holds `expected` (nil: only if the key is absent).
    /// Its output is `OperationOutput.compareAndSet(succeeded:)`.
    case compareAndSet(expected: Bytes?, new: Bytes)

    /// Whether the operation can change the register. An unknown outcome matters only for these:
    /// an unknown read constrains nothing and is dropped before checking.
    public var isMutating: Bool {
        if case .read = self { return false }
        return true
    }
}
