import CThriftGLib
import RotorConsensus
import RotorThriftGen

/// State transfer calls ↔ the generated `rkv_kv_store_{installSnapshot,snapshotAck}_args`
/// structs. `readPeerArguments` validates what these produce, as for every consensus call.
extension ThriftMessageCodec {
    // MARK: installSnapshot

    func readInstallSnapshotArguments() throws(WireError) -> DecodedPeerArguments {
        try readStruct(rkv_kv_store_install_snapshot_args_get_type(), as: RkvKvStoreInstallSnapshotArgs.self) {
            guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
            let call = PeerCall.installSnapshot(InstallSnapshot(
                term: Int64(s.pointee.leader_term), leaderID: ReplicaID(s.pointee.leader_id),
                snapshotIndex: Int64(s.pointee.snapshot_index), snapshotTerm: Int64(s.pointee.snapshot_term),
                totalBytes: Int(s.pointee.total_bytes), offset: Int(s.pointee.offset), data: GLibBridge.bytes(s.pointee.data),
                leaderCommit: Int64(s.pointee.leader_commit), termStartIndex: Int64(s.pointee.term_start_index)))
            return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
        }
    }

    func writeInstallSnapshotArguments(_ m: InstallSnapshot, proof: [UInt8]?) {
        let args = GLibBridge.newStruct(rkv_kv_store_install_snapshot_args_get_type(), as: RkvKvStoreInstallSnapshotArgs.self)
        defer { GLibBridge.release(args) }
        let s = args.pointee.request!
        s.pointee.leader_term = gint64(m.term)
        s.pointee.leader_id = Self.wireReplicaID(m.leaderID)
        s.pointee.snapshot_index = gint64(m.snapshotIndex)
        s.pointee.snapshot_term = gint64(m.snapshotTerm)
        s.pointee.total_bytes = gint64(m.totalBytes)
        s.pointee.offset = gint64(m.offset)
        s.pointee.data = GLibBridge.byteArray(m.data)
        s.pointee.leader_commit = gint64(m.leaderCommit)
        s.pointee.term_start_index = gint64(m.termStartIndex)
        Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
        writeStruct(args)
    }

    // MARK: snapshotAck

    func readSnapshotAckArguments() throws(WireError) -> DecodedPeerArguments {
        try readStruct(rkv_kv_store_snapshot_ack_args_get_type(), as: RkvKvStoreSnapshotAckArgs.self) {
            guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
            let call = PeerCall.snapshotAck(SnapshotAck(
                term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), snapshotIndex: Int64(s.pointee.snapshot_index),
                nextOffset: Int(s.pointee.next_offset), installed: Bool(gboolean: s.pointee.installed)))
            return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
        }
    }

    func writeSnapshotAckArguments(_ m: SnapshotAck, proof: [UInt8]?) {
        let args = GLibBridge.newStruct(rkv_kv_store_snapshot_ack_args_get_type(), as: RkvKvStoreSnapshotAckArgs.self)
        defer { GLibBridge.release(args) }
        let s = args.pointee.request!
        s.pointee.term = gint64(m.term)
        s.pointee.replica_id = Self.wireReplicaID(m.from)
        s.pointee.snapshot_index = gint64(m.snapshotIndex)
        s.pointee.next_offset = gint64(m.nextOffset)
        s.pointee.installed = m.installed.gboolean
        Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
        writeStruct(args)
    }
}
