import RotorModel
import RotorStateMachine

/// What a client is told about its write once the state machine applied it:
/// shared by the standalone service and the replicated one, so both answer
/// duplicates, reused ids and expired sessions the same way (Raft
/// dissertation §6.3). Every refusal here means the write was not applied.
public func clientResult(of outcome: KvApplyOutcome, session: ClientSession?, at index: Int64) -> Result<ClientResponse, KVError> {
    switch outcome {
    case .applied(let result):
        return .success(result.response(index: index))
    case .duplicate(let result, let originalIndex):
        return .success(result.response(index: originalIndex))
    case .reusedRequestID:
        return .failure(KVError.reusedRequestID(session))
    case .stale:
        return .failure(KVError.staleRequest(session))
    case .sessionExpired:
        return .failure(KVError.sessionExpired(session))
    case .registered(let clientID):
        return .success(.registerSession(RegisterSessionResponse(clientID: clientID, index: index)))
    }
}

/// The answer a server may give a write before logging it, from its applied
/// session table: a duplicate's cached result, or the refusal of a reused
/// request id or of one below the window. Those verdicts never change once
/// reached, so answering early is the same as answering after the log. nil:
/// log it. An unknown client is logged too: the registration may be committed
/// but not yet applied here; the state machine decides.
public func earlyResult(of lookup: ClientSessionTable.Lookup, session: ClientSession) -> Result<ClientResponse, KVError>? {
    switch lookup {
    case .duplicate(let result, let originalIndex): .success(result.response(index: originalIndex))
    case .reused: .failure(KVError.reusedRequestID(session))
    case .stale: .failure(KVError.staleRequest(session))
    case .new, .expired: nil
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
