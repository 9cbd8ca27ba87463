import RotorModel
import RotorTestSupport

extension ClientOperation {
    /// The operation in the linearizability checker's terms, or nil for a LOCAL read (allowed to
    /// be stale, so not part of the check).
    ///
    /// `ok` becomes `.ok` with the observed output, `fail` becomes `.fail` (no effect) and
    /// `info` or no completion becomes `.unknown`. A compare-and-set recorded as `fail` is
    /// dropped as having had no effect: the format does not say whether it failed on the
    /// comparison (an observation the checker could use) or on an error, so the check uses less
    /// than it could, but never assumes something false.
    var historyOperation: HistoryOperation? {
        guard let kind else { return nil }
        return HistoryOperation(
            process: process, key: Bytes(utf8: key), kind: kind, invokedAt: invokedAt,
            outcome: outcome, returnedAt: isUnknown ? nil : returnedAt)
    }

    private var kind: OperationKind? {
        switch function {
        case .read: return .read
        case .write: return .write(Bytes(utf8: input.stringOrNil ?? ""))
        case .delete: return .delete
        case .cas:
            guard case .pair(let expected, let new) = input else { return nil }
            return .compareAndSet(expected: expected.map { Bytes(utf8: $0) }, new: Bytes(utf8: new ?? ""))
        default: return nil
        }
    }

    private var outcome: OperationOutcome {
        switch completion {
        case .ok?: return .ok(checkerOutput)
        case .fail?: return .fail
        case .info?, .invoke?, nil: return .unknown
        }
    }

    /// What an acknowledged operation returned, in the checker's terms.
    private var checkerOutput: OperationOutput {
        switch function {
        case .read: return .read(valueSeen.map { Bytes(utf8: $0) })
        case .delete: return .delete(existed: nil)
        case .cas: return .compareAndSet(succeeded: true)
        default: return .write
        }
    }
}
