import CThriftGLib
import RotorModel
import RotorThriftGen

/// Replies ↔ the generated `rkv_kv_store_*_result` structs. A result holds
/// either `success` or the declared `error` (a `KvError`).
extension ThriftMessageCodec {
    func writeResult(_ outcome: Result<ClientResponse, KVError>, method: ClientRequest.Method) {
        switch method {
        case .get: writeResult(outcome, rkv_kv_store_get_result_get_type(), RkvKvStoreGetResult.self)
        case .put: writeResult(outcome, rkv_kv_store_put_result_get_type(), RkvKvStorePutResult.self)
        case .delete: writeResult(outcome, rkv_kv_store_delete_key_result_get_type(), RkvKvStoreDeleteKeyResult.self)
        case .compareAndSet: writeResult(outcome, rkv_kv_store_compare_and_set_result_get_type(), RkvKvStoreCompareAndSetResult.self)
        case .scan: writeResult(outcome, rkv_kv_store_scan_result_get_type(), RkvKvStoreScanResult.self)
        case .ping: writeResult(outcome, rkv_kv_store_ping_result_get_type(), RkvKvStorePingResult.self)
        case .status: writeResult(outcome, rkv_kv_store_status_result_get_type(), RkvKvStoreStatusResult.self)
        case .registerSession:
            writeResult(outcome, rkv_kv_store_register_session_result_get_type(), RkvKvStoreRegisterSessionResult.self)
        }
    }

    func readResult(_ method: ClientRequest.Method) throws(WireError) -> Result<ClientResponse, KVError> {
        let outcome: Result<ClientResponse, KVError>?
        switch method {
        case .get: outcome = try readStruct(rkv_kv_store_get_result_get_type(), as: RkvKvStoreGetResult.self) { Self.read($0) }
        case .put: outcome = try readStruct(rkv_kv_store_put_result_get_type(), as: RkvKvStorePutResult.self) { Self.read($0) }
        case .delete:
            outcome = try readStruct(rkv_kv_store_delete_key_result_get_type(), as: RkvKvStoreDeleteKeyResult.self) { Self.read($0) }
        case .compareAndSet:
            outcome = try readStruct(rkv_kv_store_compare_and_set_result_get_type(), as: RkvKvStoreCompareAndSetResult.self) { Self.read($0) }
        case .scan: outcome = try readStruct(rkv_kv_store_scan_result_get_type(), as: RkvKvStoreScanResult.self) { Self.read($0) }
        case .ping: outcome = try readStruct(rkv_kv_store_ping_result_get_type(), as: RkvKvStorePingResult.self) { Self.read($0) }
        case .status: outcome = try readStruct(rkv_kv_store_status_result_get_type(), as: RkvKvStoreStatusResult.self) { Self.read($0) }
        case .registerSession:
            outcome = try readStruct(rkv_kv_store_register_session_result_get_type(), as: RkvKvStoreRegisterSessionResult.self) { Self.read($0) }
        }
        guard let outcome else { throw .unexpectedReply("\(method.rawValue) reply carries neither a result nor an error") }
        return outcome
    }

    private func writeResult<T: ThriftResult>(_ outcome: Result<ClientResponse, KVError>, _ type: GType, _: T.Type) {
        let result = GLibBridge.newStruct(type, as: T.self)
        defer { GLibBridge.release(result) }
        switch outcome {
        case .success(let response): result.pointee.fill(with: response)
        case .failure(let error): result.pointee.setError(Self.makeError(error))
        }
        writeStruct(result)
    }

    private static func read<T: ThriftResult>(_ result: UnsafeMutablePointer<T>) -> Result<ClientResponse, KVError>? {
        if let error = result.pointee.errorIfSet { return .failure(readError(error)) }
        return result.pointee.response.map { .success($0) }
    }

    static func makeError(_ error: KVError) -> UnsafeMutablePointer<RkvKvError> {
        let s = GLibBridge.newStruct(rkv_kv_error_get_type(), as: RkvKvError.self)
        s.pointee.code = RkvErrorCode(rawValue: UInt32(error.code.rawValue))
        s.pointee.message = GLibBridge.duplicate(error.message)
        if let hint = error.leaderHint {
            s.pointee.leader_hint = hint
            s.pointee.__isset_leader_hint = 1
        }
        if let endpoint = error.leaderEndpoint {
            s.pointee.leader_endpoint = GLibBridge.duplicate(endpoint)
            s.pointee.__isset_leader_endpoint = 1
        }
        return s
    }

    static func readError(_ s: UnsafeMutablePointer<RkvKvError>) -> KVError {
        let code = ErrorCode(rawValue: Int32(bitPattern: s.pointee.code.rawValue)) ?? .internalError
        return KVError(code, GLibBridge.string(s.pointee.message),
                       leaderHint: s.pointee.__isset_leader_hint != 0 ? s.pointee.leader_hint : nil,
                       leaderEndpoint: s.pointee.__isset_leader_endpoint != 0 ? GLibBridge.string(s.pointee.leader_endpoint) : nil)
    }
}

/// What every generated `*_result` struct has: an optional `KvError` and,
/// except for `ping`, a `success` struct.
protocol ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { get }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>)
    mutating func fill(with response: ClientResponse)
    var response: ClientResponse? { get }
}

extension ThriftResult {
    /// A reply of the wrong kind for this method is a bug in the server.
    func mismatch(_ response: ClientResponse) -> Never {
        preconditionFailure("reply \(response) does not match the result struct \(Self.self)")
    }
}
