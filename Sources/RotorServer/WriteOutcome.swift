import RotorModel
import RotorStateMachine

/// What a client is told about its write once the state machine applied it:
/// shared by the standalone service and the replicated one, so both answer
/// duplicates and stale retries the same way (exactly-once sessions).
public func clientResult(of outcome: KvApplyOutcome, for command: KvCommand, session: ClientSession?,
                         at index: Int64) -> Result<ClientResponse, KVError> {
    switch outcome {
    case .applied(let result):
        return .success(result.response(index: index))
    case .duplicate(let result, let originalIndex):
        guard result.answers(command) else { return .failure(KVError.reusedRequestID(session)) }
        return .success(result.response(index: originalIndex))
    case .stale:
        return .failure(KVError.staleRequest(session))
    }
}

extension KvCommandResult {
    /// The wire reply for this result of a write committed at `index`.
    public func response(index: Int64) -> ClientResponse {
        switch self {
        case .put: .put(PutResponse(index: index))
        case .delete(let existed): .delete(DeleteResponse(existed: existed, index: index))
        case .compareAndSet(let succeeded, let current): .compareAndSet(CompareAndSetResponse(succeeded: succeeded, current: current, index: index))
        }
    }
}
