import CThriftGLib
import RotorConsensus
import RotorModel
import RotorThriftGen

/// Consensus replies ↔ the generated `rkv_kv_store_{appendEntry,...}_result`
/// structs: `success` (AppendEntryResponse, CommitNotificationResponse, or
/// nothing for the void methods, which are all the others) or the declared `KvError`.
extension ThriftMessageCodec {
    func writePeerResult(_ outcome: Result<PeerReply, KVError>, method: PeerCall.Method) {
        if case .success(let reply) = outcome, !reply.answers(method) {
            preconditionFailure("reply \(reply) does not answer \(method.rawValue)")
        }
        switch method {
        case .appendEntry:
            let result = GLibBridge.newStruct(rkv_kv_store_append_entry_result_get_type(), as: RkvKvStoreAppendEntryResult.self)
            defer { GLibBridge.release(result) }
            switch outcome {
            case .success(.appendEntry(let m)):
                let s = result.pointee.success!
                s.pointee.term = gint64(m.term)
                s.pointee.replica_id = Self.wireReplicaID(m.from)
                s.pointee.success = m.success.gboolean
                s.pointee.match_index = gint64(m.matchIndex)
                s.pointee.conflict_hint = gint64(m.conflictHint)
                s.pointee.prev_log_index = gint64(m.prevIndex)
                if m.recovering {
                    s.pointee.recovering = 1
                    s.pointee.__isset_recovering = 1
                }
                result.pointee.__isset_success = 1
            case .success: break
            case .failure(let error): result.pointee.setError(Self.makeError(error))
            }
            writeStruct(result)
        case .commitNotification:
            let result = GLibBridge.newStruct(rkv_kv_store_commit_notification_result_get_type(), as: RkvKvStoreCommitNotificationResult.self)
            defer { GLibBridge.release(result) }
            switch outcome {
            case .success(.commitNotification(let m)):
                let s = result.pointee.success!
                s.pointee.term = gint64(m.term)
                s.pointee.replica_id = Self.wireReplicaID(m.from)
                s.pointee.round = gint64(Int64(bitPattern: m.round))
                s.pointee.match_index = gint64(m.matchIndex)
                if m.recovering {
                    s.pointee.recovering = 1
                    s.pointee.__isset_recovering = 1
                }
                result.pointee.__isset_success = 1
            case .success: break
            case .failure(let error): result.pointee.setError(Self.makeError(error))
            }
            writeStruct(result)
        case .startViewChange:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_start_view_change_result_get_type(), RkvKvStoreStartViewChangeResult.self)
        case .doViewChange:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_do_view_change_result_get_type(), RkvKvStoreDoViewChangeResult.self)
        case .requestLog:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_request_log_result_get_type(), RkvKvStoreRequestLogResult.self)
        case .installSnapshot:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_install_snapshot_result_get_type(), RkvKvStoreInstallSnapshotResult.self)
        case .snapshotAck:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_snapshot_ack_result_get_type(), RkvKvStoreSnapshotAckResult.self)
        case .recover:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_recover_result_get_type(), RkvKvStoreRecoverResult.self)
        case .recoveryResponse:
            writeVoidResult(outcome.map { _ in () }, rkv_kv_store_recovery_response_result_get_type(), RkvKvStoreRecoveryResponseResult.self)
        }
    }

    func readPeerResult(_ method: PeerCall.Method) throws(WireError) -> Result<PeerReply, KVError> {
        let outcome: Result<PeerReply, KVError>?
        switch method {
        case .appendEntry:
            outcome = try readStruct(rkv_kv_store_append_entry_result_get_type(), as: RkvKvStoreAppendEntryResult.self) { result in
                if let error = result.pointee.errorIfSet { return .failure(Self.readError(error)) }
                guard result.pointee.__isset_success != 0, let s = result.pointee.success else { return nil }
                return .success(.appendEntry(AppendResponse(
                    term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), success: s.pointee.success != 0,
                    matchIndex: Int64(s.pointee.match_index), conflictHint: Int64(s.pointee.conflict_hint),
                    prevIndex: Int64(s.pointee.prev_log_index),
                    recovering: s.pointee.__isset_recovering != 0 && s.pointee.recovering != 0)))
            }
        case .commitNotification:
            outcome = try readStruct(rkv_kv_store_commit_notification_result_get_type(), as: RkvKvStoreCommitNotificationResult.self) { result in
                if let error = result.pointee.errorIfSet { return .failure(Self.readError(error)) }
                guard result.pointee.__isset_success != 0, let s = result.pointee.success else { return nil }
                return .success(.commitNotification(CommitAck(
                    term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id),
                    round: UInt64(bitPattern: Int64(s.pointee.round)), matchIndex: Int64(s.pointee.match_index),
                    recovering: s.pointee.__isset_recovering != 0 && s.pointee.recovering != 0)))
            }
        case .startViewChange:
            outcome = try readVoidResult(rkv_kv_store_start_view_change_result_get_type(), RkvKvStoreStartViewChangeResult.self).map { .done }
        case .doViewChange:
            outcome = try readVoidResult(rkv_kv_store_do_view_change_result_get_type(), RkvKvStoreDoViewChangeResult.self).map { .done }
        case .requestLog:
            outcome = try readVoidResult(rkv_kv_store_request_log_result_get_type(), RkvKvStoreRequestLogResult.self).map { .done }
        case .installSnapshot:
            outcome = try readVoidResult(rkv_kv_store_install_snapshot_result_get_type(), RkvKvStoreInstallSnapshotResult.self).map { .done }
        case .snapshotAck:
            outcome = try readVoidResult(rkv_kv_store_snapshot_ack_result_get_type(), RkvKvStoreSnapshotAckResult.self).map { .done }
        case .recover:
            outcome = try readVoidResult(rkv_kv_store_recover_result_get_type(), RkvKvStoreRecoverResult.self).map { .done }
        case .recoveryResponse:
            outcome = try readVoidResult(rkv_kv_store_recovery_response_result_get_type(), RkvKvStoreRecoveryResponseResult.self).map { .done }
        }
        guard let outcome else { throw .unexpectedReply("\(method.rawValue) reply carries neither a result nor an error") }
        if case .success(let reply) = outcome, let problem = reply.validationProblem {
            throw .unexpectedReply("invalid \(method.rawValue) reply: \(problem)")
        }
        return outcome
    }

    /// A void method's result: no error means success.
    func writeVoidResult<T: DeclaresKvError>(_ outcome: Result<Void, KVError>, _ type: GType, _: T.Type) {
        let result = GLibBridge.newStruct(type, as: T.self)
        defer { GLibBridge.release(result) }
        if case .failure(let error) = outcome { result.pointee.setError(Self.makeError(error)) }
        writeStruct(result)
    }

    func readVoidResult<T: DeclaresKvError>(_ type: GType, _: T.Type) throws(WireError) -> Result<Void, KVError> {
        try readStruct(type, as: T.self) { result in
            if let error = result.pointee.errorIfSet { return .failure(Self.readError(error)) }
            return .success(())
        }
    }
}

/// A generated `*_result` struct with the declared `KvError`.
protocol DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { get }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>)
}

extension RkvKvStoreAppendEntryResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreCommitNotificationResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreStartViewChangeResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreDoViewChangeResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreRequestLogResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreInstallSnapshotResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreSnapshotAckResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreRecoverResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreRecoveryResponseResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}

extension RkvKvStoreAuthenticateResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}
