import CThriftGLib
import RotorModel
import RotorThriftGen

// Field-by-field mapping of each generated result struct. `success` is
// pre-allocated by the generated instance initialiser, so it is filled in place.

extension RkvKvStoreGetResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .get(let get) = response else { mismatch(response) }
        let s = success!
        s.pointee.found = (get.value != nil).gboolean
        if let value = get.value {
            s.pointee.value = GLibBridge.byteArray(value)
            s.pointee.__isset_value = 1
        }
        s.pointee.applied_index = gint64(get.appliedIndex)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        let found = s.pointee.found != 0
        let value = found ? GLibBridge.bytes(s.pointee.value) : nil
        return .get(GetResponse(value: value, appliedIndex: Int64(s.pointee.applied_index)))
    }
}

extension RkvKvStorePutResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .put(let put) = response else { mismatch(response) }
        success!.pointee.index = gint64(put.index)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        return .put(PutResponse(index: Int64(s.pointee.index)))
    }
}

extension RkvKvStoreDeleteKeyResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .delete(let delete) = response else { mismatch(response) }
        success!.pointee.existed = delete.existed.gboolean
        success!.pointee.index = gint64(delete.index)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        return .delete(DeleteResponse(existed: s.pointee.existed != 0, index: Int64(s.pointee.index)))
    }
}

extension RkvKvStoreCompareAndSetResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .compareAndSet(let cas) = response else { mismatch(response) }
        let s = success!
        s.pointee.succeeded = cas.succeeded.gboolean
        if let current = cas.current {
            s.pointee.current = GLibBridge.byteArray(current)
            s.pointee.__isset_current = 1
        }
        s.pointee.index = gint64(cas.index)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        let current = s.pointee.__isset_current != 0 ? GLibBridge.bytes(s.pointee.current) : nil
        return .compareAndSet(CompareAndSetResponse(succeeded: s.pointee.succeeded != 0, current: current, index: Int64(s.pointee.index)))
    }
}

extension RkvKvStoreScanResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .scan(let scan) = response else { mismatch(response) }
        let s = success!
        for entry in scan.entries {
            let pair = GLibBridge.newStruct(rkv_key_value_get_type(), as: RkvKeyValue.self)
            pair.pointee.key = GLibBridge.byteArray(entry.key)
            pair.pointee.value = GLibBridge.byteArray(entry.value)
            g_ptr_array_add(s.pointee.entries, pair)  // the array owns it now
        }
        if let continuation = scan.continuation {
            s.pointee.continuation = GLibBridge.byteArray(continuation)
            s.pointee.__isset_continuation = 1
        }
        s.pointee.applied_index = gint64(scan.appliedIndex)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success, let array = s.pointee.entries else { return nil }
        var entries: [KeyValue] = []
        entries.reserveCapacity(Int(array.pointee.len))
        for i in 0..<Int(array.pointee.len) {
            let pair = array.pointee.pdata[i]!.assumingMemoryBound(to: RkvKeyValue.self)
            entries.append(KeyValue(key: GLibBridge.bytes(pair.pointee.key), value: GLibBridge.bytes(pair.pointee.value)))
        }
        let continuation = s.pointee.__isset_continuation != 0 ? GLibBridge.bytes(s.pointee.continuation) : nil
        return .scan(ScanResponse(entries: entries, continuation: continuation, appliedIndex: Int64(s.pointee.applied_index)))
    }
}

extension RkvKvStorePingResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .ping = response else { mismatch(response) }
    }
    /// A void method: no error means success.
    var response: ClientResponse? { .ping }
}

extension RkvKvStoreStatusResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .status(let status) = response else { mismatch(response) }
        let s = success!
        s.pointee.replica_id = status.replicaID
        s.pointee.role = RkvReplicaRole(rawValue: UInt32(status.role.rawValue))
        s.pointee.term = gint64(status.term)
        if let leader = status.leaderID {
            s.pointee.leader_id = leader
            s.pointee.__isset_leader_id = 1
        }
        s.pointee.last_index = gint64(status.lastIndex)
        s.pointee.commit_index = gint64(status.commitIndex)
        s.pointee.applied_index = gint64(status.appliedIndex)
        s.pointee.replica_count = status.replicaCount
        for endpoint in status.endpoints { g_ptr_array_add(s.pointee.endpoints, GLibBridge.duplicate(endpoint)) }
        s.pointee.key_count = gint64(status.keyCount)
        s.pointee.uptime_ms = gint64(status.uptimeMilliseconds)
        s.pointee.version = GLibBridge.duplicate(status.version)
        if let digest = status.stateDigest {
            s.pointee.state_digest = gint64(Int64(bitPattern: digest))
            s.pointee.__isset_state_digest = 1
        }
        if let index = status.snapshotIndex {
            s.pointee.snapshot_index = gint64(index)
            s.pointee.__isset_snapshot_index = 1
        }
        if let index = status.logStartIndex {
            s.pointee.log_start_index = gint64(index)
            s.pointee.__isset_log_start_index = 1
        }
        if let reason = status.recoveryReason {
            s.pointee.recovery_reason = GLibBridge.duplicate(reason)
            s.pointee.__isset_recovery_reason = 1
        }
        if let cluster = status.clusterID {
            s.pointee.cluster_id = gint64(Int64(bitPattern: cluster))
            s.pointee.__isset_cluster_id = 1
        }
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        var endpoints: [String] = []
        if let array = s.pointee.endpoints {
            for i in 0..<Int(array.pointee.len) {
                endpoints.append(GLibBridge.string(array.pointee.pdata[i]?.assumingMemoryBound(to: gchar.self)))
            }
        }
        return .status(ReplicaStatus(
            replicaID: s.pointee.replica_id, role: ReplicaRole(rawValue: Int32(s.pointee.role.rawValue)) ?? .follower,
            term: Int64(s.pointee.term), leaderID: s.pointee.__isset_leader_id != 0 ? s.pointee.leader_id : nil,
            lastIndex: Int64(s.pointee.last_index), commitIndex: Int64(s.pointee.commit_index), appliedIndex: Int64(s.pointee.applied_index),
            replicaCount: s.pointee.replica_count, endpoints: endpoints, keyCount: Int64(s.pointee.key_count),
            uptimeMilliseconds: Int64(s.pointee.uptime_ms), version: GLibBridge.string(s.pointee.version),
            // Unset by servers older than these fields: nil, not 0, so "unknown" is not mistaken for "none".
            stateDigest: s.pointee.__isset_state_digest != 0 ? UInt64(bitPattern: Int64(s.pointee.state_digest)) : nil,
            snapshotIndex: s.pointee.__isset_snapshot_index != 0 ? Int64(s.pointee.snapshot_index) : nil,
            logStartIndex: s.pointee.__isset_log_start_index != 0 ? Int64(s.pointee.log_start_index) : nil,
            recoveryReason: s.pointee.__isset_recovery_reason != 0 ? GLibBridge.string(s.pointee.recovery_reason) : nil,
            clusterID: s.pointee.__isset_cluster_id != 0 && s.pointee.cluster_id != 0 ? UInt64(bitPattern: Int64(s.pointee.cluster_id)) : nil))
    }
}

extension RkvKvStoreRegisterSessionResult: ThriftResult {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
    mutating func fill(with response: ClientResponse) {
        guard case .registerSession(let registered) = response else { mismatch(response) }
        success!.pointee.client_id = gint64(registered.clientID)
        success!.pointee.index = gint64(registered.index)
        __isset_success = 1
    }
    var response: ClientResponse? {
        guard __isset_success != 0, let s = success else { return nil }
        return .registerSession(RegisterSessionResponse(clientID: Int64(s.pointee.client_id), index: Int64(s.pointee.index)))
    }
}
