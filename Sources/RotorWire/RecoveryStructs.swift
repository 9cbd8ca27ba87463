import CThriftGLib
import RotorConsensus
import RotorThriftGen

/// Recovery calls ↔ the generated `rkv_kv_store_{recover,recoveryResponse}_args`
/// structs. `readPeerArguments` validates what these produce, as for every consensus call.
extension ThriftMessageCodec {
    // MARK: recover

    func readRecoverArguments() throws(WireError) -> DecodedPeerArguments {
        try readStruct(rkv_kv_store_recover_args_get_type(), as: RkvKvStoreRecoverArgs.self) {
            guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
            let call = PeerCall.recover(RecoveryRequest(
                term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), nonce: UInt64(bitPattern: Int64(s.pointee.nonce))))
            return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
        }
    }

    func writeRecoverArguments(_ m: RecoveryRequest, proof: [UInt8]?) {
        let args = GLibBridge.newStruct(rkv_kv_store_recover_args_get_type(), as: RkvKvStoreRecoverArgs.self)
        defer { GLibBridge.release(args) }
        let s = args.pointee.request!
        s.pointee.term = gint64(m.term)
        s.pointee.replica_id = Self.wireReplicaID(m.from)
        s.pointee.nonce = gint64(Int64(bitPattern: m.nonce))
        Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
        writeStruct(args)
    }

    // MARK: recoveryResponse

    /// An unknown `standing` is refused here: the core's `Standing` cannot hold it,
    /// and guessing one would let a newer peer's answer count as the wrong kind.
    func readRecoveryResponseArguments() throws(WireError) -> DecodedPeerArguments {
        try readStruct(rkv_kv_store_recovery_response_args_get_type(), as: RkvKvStoreRecoveryResponseArgs.self) {
            guard $0.pointee.__isset_request != 0, let s = $0.pointee.request else { return Self.missingRequest }
            let wireStanding = Int32(bitPattern: s.pointee.standing.rawValue)
            guard let standing = RecoveryResponse.Standing(rawValue: Int(wireStanding)) else {
                return .failure(.malformedMessage("standing \(wireStanding) is not a RecoveryStanding (FRESH, RECOVERING, MEMBER or NEW)"))
            }
            let call = PeerCall.recoveryResponse(RecoveryResponse(
                term: Int64(s.pointee.term), from: ReplicaID(s.pointee.replica_id), nonce: UInt64(bitPattern: Int64(s.pointee.nonce)),
                standing: standing,
                leaderLastIndex: s.pointee.__isset_leader_last_index != 0 ? Int64(s.pointee.leader_last_index) : nil,
                responderNonce: s.pointee.__isset_responder_nonce != 0 ? UInt64(bitPattern: Int64(s.pointee.responder_nonce)) : nil,
                foundedWithAsker: s.pointee.__isset_founded_with_you != 0 && s.pointee.founded_with_you != 0))
            return .success((call, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
        }
    }

    func writeRecoveryResponseArguments(_ m: RecoveryResponse, proof: [UInt8]?) {
        let args = GLibBridge.newStruct(rkv_kv_store_recovery_response_args_get_type(), as: RkvKvStoreRecoveryResponseArgs.self)
        defer { GLibBridge.release(args) }
        let s = args.pointee.request!
        s.pointee.term = gint64(m.term)
        s.pointee.replica_id = Self.wireReplicaID(m.from)
        s.pointee.nonce = gint64(Int64(bitPattern: m.nonce))
        s.pointee.standing = RkvRecoveryStanding(rawValue: UInt32(m.standing.rawValue))
        if let last = m.leaderLastIndex {
            s.pointee.leader_last_index = gint64(last)
            s.pointee.__isset_leader_last_index = 1
        }
        if let responderNonce = m.responderNonce {
            s.pointee.responder_nonce = gint64(Int64(bitPattern: responderNonce))
            s.pointee.__isset_responder_nonce = 1
        }
        if m.foundedWithAsker {
            s.pointee.founded_with_you = 1
            s.pointee.__isset_founded_with_you = 1
        }
        Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
        writeStruct(args)
    }
}
