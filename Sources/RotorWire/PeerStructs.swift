import CThriftGLib
import RotorConsensus
import RotorThriftGen

/// Consensus calls ↔ the generated `rkv_kv_store_{appendEntry,...}_args` structs
/// (the state transfer and recovery calls in SnapshotStructs and RecoveryStructs).
///
/// Decoding validates what the consensus core takes for granted (no negative
/// term, index or replica id; entries numbered consecutively from where the
/// message says they start); a call that breaks it is answered with
/// PROTOCOL_ERROR and never reaches the core.
extension ThriftMessageCodec {
    func readPeerArguments(_ method: PeerCall.Method) throws(WireError) -> (call: PeerCall, proof: [UInt8]?) {
        let decoded: Result<(call: PeerCall, proof: [UInt8]?), WireError>
        switch method {
        case .appendEntry:
            decoded = try readStruct(rkv_kv_store_append_entry_args_get_type(), as: RkvKvStoreAppendEntryArgs.self) {
                $0.pointee.__isset_request == 0 ? Self.missingRequest : Self.appendEntries($0.pointee.request)
            }
        case .commitNotification:
            decoded = try readStruct(rkv_kv_store_commit_notification_args_get_type(), as: RkvKvStoreCommitNotificationArgs.self) {
                guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
                let call = PeerCall.commitNotification(CommitNotification(
                    term: Int64(s.pointee.leader_term), leaderID: ReplicaID(s.pointee.leader_id), commitIndex: Int64(s.pointee.commit_index),
                    round: s.pointee.__isset_round != 0 ? UInt64(bitPattern: Int64(s.pointee.round)) : 0))
                return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
            }
        case .startViewChange:
            decoded = try readStruct(rkv_kv_store_start_view_change_args_get_type(), as: RkvKvStoreStartViewChangeArgs.self) {
                guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
                let call = PeerCall.startViewChange(StartViewChange(
                    term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), proposedTerm: Int64(s.pointee.proposed_term)))
                return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
            }
        case .doViewChange:
            decoded = try readStruct(rkv_kv_store_do_view_change_args_get_type(), as: RkvKvStoreDoViewChangeArgs.self) {
                guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
                let call = PeerCall.doViewChange(DoViewChange(
                    term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), lastNormalTerm: Int64(s.pointee.last_normal_term),
                    lastIndex: Int64(s.pointee.last_index), commitIndex: Int64(s.pointee.commit_index),
                    entriesFrom: Int64(s.pointee.entries_from), entries: Self.logEntries(s.pointee.entries),
                    baseIndex: s.pointee.__isset_base_index != 0 ? Int64(s.pointee.base_index) : 0,
                    baseTerm: s.pointee.__isset_base_term != 0 ? Int64(s.pointee.base_term) : 0))
                return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
            }
        case .requestLog:
            decoded = try readStruct(rkv_kv_store_request_log_args_get_type(), as: RkvKvStoreRequestLogArgs.self) {
                guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
                let call = PeerCall.requestLog(LogRequest(
                    term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), fromIndex: Int64(s.pointee.from_index)))
                return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
            }
        case .installSnapshot:
            decoded = try readInstallSnapshotArguments()
        case .snapshotAck:
            decoded = try readSnapshotAckArguments()
        case .recover:
            decoded = try readRecoverArguments()
        case .recoveryResponse:
            decoded = try readRecoveryResponseArguments()
        }
        let result = try decoded.get()
        if let problem = result.call.validationProblem { throw .malformedMessage(problem) }
        return result
    }

    func writePeerArguments(_ call: PeerCall, proof: [UInt8]?) {
        switch call {
        case .appendEntry(let m):
            let args = GLibBridge.newStruct(rkv_kv_store_append_entry_args_get_type(), as: RkvKvStoreAppendEntryArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            s.pointee.leader_term = gint64(m.term)
            s.pointee.leader_id = Self.wireReplicaID(m.leaderID)
            s.pointee.prev_log_index = gint64(m.prevIndex)
            s.pointee.prev_log_term = gint64(m.prevTerm)
            if !m.entries.isEmpty {
                Self.fill(s.pointee.entries, with: m.entries)
                s.pointee.__isset_entries = 1
            }
            s.pointee.leader_commit = gint64(m.leaderCommit)
            s.pointee.__isset_leader_commit = 1
            s.pointee.term_start_index = gint64(m.termStartIndex)
            s.pointee.__isset_term_start_index = 1
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        case .commitNotification(let m):
            let args = GLibBridge.newStruct(rkv_kv_store_commit_notification_args_get_type(), as: RkvKvStoreCommitNotificationArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            s.pointee.leader_term = gint64(m.term)
            s.pointee.leader_id = Self.wireReplicaID(m.leaderID)
            s.pointee.commit_index = gint64(m.commitIndex)
            s.pointee.round = gint64(Int64(bitPattern: m.round))
            s.pointee.__isset_round = 1
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        case .startViewChange(let m):
            let args = GLibBridge.newStruct(rkv_kv_store_start_view_change_args_get_type(), as: RkvKvStoreStartViewChangeArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            s.pointee.term = gint64(m.term)
            s.pointee.replica_id = Self.wireReplicaID(m.from)
            s.pointee.proposed_term = gint64(m.proposedTerm)
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        case .doViewChange(let m):
            let args = GLibBridge.newStruct(rkv_kv_store_do_view_change_args_get_type(), as: RkvKvStoreDoViewChangeArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            s.pointee.term = gint64(m.term)
            s.pointee.replica_id = Self.wireReplicaID(m.from)
            s.pointee.last_normal_term = gint64(m.lastNormalTerm)
            s.pointee.last_index = gint64(m.lastIndex)
            s.pointee.commit_index = gint64(m.commitIndex)
            s.pointee.entries_from = gint64(m.entriesFrom)
            Self.fill(s.pointee.entries, with: m.entries)
            s.pointee.base_index = gint64(m.baseIndex)
            s.pointee.__isset_base_index = 1
            s.pointee.base_term = gint64(m.baseTerm)
            s.pointee.__isset_base_term = 1
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        case .requestLog(let m):
            let args = GLibBridge.newStruct(rkv_kv_store_request_log_args_get_type(), as: RkvKvStoreRequestLogArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            s.pointee.term = gint64(m.term)
            s.pointee.replica_id = Self.wireReplicaID(m.from)
            s.pointee.from_index = gint64(m.fromIndex)
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        case .installSnapshot(let m):
            writeInstallSnapshotArguments(m, proof: proof)
        case .snapshotAck(let m):
            writeSnapshotAckArguments(m, proof: proof)
        case .recover(let m):
            writeRecoverArguments(m, proof: proof)
        case .recoveryResponse(let m):
            writeRecoveryResponseArguments(m, proof: proof)
        }
    }

    // MARK: Pieces

    /// What a reader of one call's arguments produces: the call and its `auth_proof`, or why not.
    typealias DecodedPeerArguments = Result<(call: PeerCall, proof: [UInt8]?), WireError>

    static var missingRequest: DecodedPeerArguments {
        .failure(.malformedMessage("the request argument is missing"))
    }

    /// AppendEntryRequest: the batch in `entries`, or the original single-entry form in `entry`.
    private static func appendEntries(_ s: UnsafeMutablePointer<RkvAppendEntryRequest>) -> Result<(call: PeerCall, proof: [UInt8]?), WireError> {
        let batch = s.pointee.__isset_entries != 0
        let single = s.pointee.__isset_entry != 0
        if batch && single { return .failure(.malformedMessage("both entry and entries are set")) }
        var entries: [LogEntry] = []
        if batch {
            entries = logEntries(s.pointee.entries)
        } else if single, let entry = s.pointee.entry {
            entries = [logEntry(entry)]
        }
        let call = PeerCall.appendEntry(AppendEntries(
            term: Int64(s.pointee.leader_term), leaderID: ReplicaID(s.pointee.leader_id),
            prevIndex: Int64(s.pointee.prev_log_index), prevTerm: Int64(s.pointee.prev_log_term), entries: entries,
            leaderCommit: s.pointee.__isset_leader_commit != 0 ? Int64(s.pointee.leader_commit) : 0,
            termStartIndex: s.pointee.__isset_term_start_index != 0 ? Int64(s.pointee.term_start_index) : 0))
        return .success((call, proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
    }

    static func logEntries(_ array: UnsafeMutablePointer<GPtrArray>?) -> [LogEntry] {
        guard let array, array.pointee.len > 0, let pdata = array.pointee.pdata else { return [] }
        let count = Int(array.pointee.len)
        return [LogEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                (buffer.baseAddress! + i).initialize(to: logEntry(pdata[i]!.assumingMemoryBound(to: RkvLogEntry.self)))
                initialized = i + 1
            }
        }
    }

    private static func logEntry(_ e: UnsafeMutablePointer<RkvLogEntry>) -> LogEntry {
        LogEntry(index: Int64(e.pointee.index), term: Int64(e.pointee.term), data: GLibBridge.bytes(e.pointee.data),
                 timestamp: Int64(e.pointee.timestamp))
    }

    /// Appends one generated LogEntry per entry; the array owns them after.
    private static func fill(_ array: UnsafeMutablePointer<GPtrArray>, with entries: [LogEntry]) {
        let type = rkv_log_entry_get_type()
        for entry in entries {
            let e = GLibBridge.newStruct(type, as: RkvLogEntry.self)
            e.pointee.index = gint64(entry.index)
            e.pointee.term = gint64(entry.term)
            e.pointee.data = GLibBridge.byteArray(entry.data)
            e.pointee.timestamp = gint64(entry.timestamp)
            g_ptr_array_add(array, e)
        }
    }

    static func proof(_ bytes: UnsafeMutablePointer<GByteArray>?, isSet: gboolean) -> [UInt8]? {
        isSet != 0 ? GLibBridge.bytes(bytes) : nil
    }

    static func setProof(_ proof: [UInt8]?, _ field: inout UnsafeMutablePointer<GByteArray>?, _ isSet: inout gboolean) {
        guard let proof else { return }
        field = GLibBridge.byteArray(proof)
        isSet = 1
    }

    /// Replica ids are i32 on the wire; ours come from the configuration and always fit.
    static func wireReplicaID(_ id: ReplicaID) -> gint32 {
        guard let wire = gint32(exactly: id) else { preconditionFailure("replica id \(id) does not fit the wire's i32") }
        return wire
    }
}
