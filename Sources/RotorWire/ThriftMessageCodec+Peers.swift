import CThriftGLib
import NIOCore
import RotorModel
import RotorThriftGen

/// Consensus RPCs (replica to replica) and the client's `authenticate`.
/// Same framing, threading and error rules as the client calls.
extension ThriftMessageCodec {
    static let authenticateMethod = "authenticate"

    // MARK: Consensus, caller side

    /// Appends one framed consensus call; `proof` goes into `auth_proof` (unset when nil).
    public func encodePeerCall(_ call: PeerCall, proof: [UInt8]?, seqid: Int32, into buffer: inout ByteBuffer) {
        if case .appendEntry(let append) = call {
            AppendEntriesFastPath.encode(append, proof: proof, seqid: seqid, into: &buffer)
            return
        }
        encodePeerCallGenerated(call, proof: proof, seqid: seqid, into: &buffer)
    }

    /// `encodePeerCall` through the generated c_glib structs only (no fast path).
    func encodePeerCallGenerated(_ call: PeerCall, proof: [UInt8]?, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: call.method.rawValue, type: T_CALL, seqid: seqid)
            writePeerArguments(call, proof: proof)
        }
    }

    /// Decodes the reply to a consensus call of `method` with `seqid`. A declared
    /// `KvError` is a `.failure`; a broken or mismatched reply (or one that no
    /// correct replica sends, such as a negative index) throws.
    public func decodePeerReply(_ frame: ByteBuffer, method: PeerCall.Method, seqid: Int32) throws(WireError) -> Result<PeerReply, KVError> {
        try decodeReplyMessage(frame, name: method.rawValue, seqid: seqid) { () throws(WireError) in try readPeerResult(method) }
    }

    // MARK: Consensus, serving side

    /// Appends one framed reply to a consensus call. A success must answer
    /// `method` (`PeerReply.answers`); anything else is a bug and traps.
    public func encodePeerReply(_ outcome: Result<PeerReply, KVError>, method: PeerCall.Method, seqid: Int32,
                                into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: method.rawValue, type: T_REPLY, seqid: seqid)
            writePeerResult(outcome, method: method)
        }
    }

    // MARK: authenticate

    /// Appends one framed `authenticate` call.
    public func encodeAuthenticate(token: String, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: Self.authenticateMethod, type: T_CALL, seqid: seqid)
            let args = GLibBridge.newStruct(rkv_kv_store_authenticate_args_get_type(), as: RkvKvStoreAuthenticateArgs.self)
            defer { GLibBridge.release(args) }
            args.pointee.request.pointee.client_token = GLibBridge.duplicate(token)
            writeStruct(args)
        }
    }

    /// Decodes the reply to `authenticate`: success, or the declared `KvError` (UNAUTHORIZED).
    public func decodeAuthenticateReply(_ frame: ByteBuffer, seqid: Int32) throws(WireError) -> Result<Void, KVError> {
        try decodeReplyMessage(frame, name: Self.authenticateMethod, seqid: seqid) { () throws(WireError) in
            try readVoidResult(rkv_kv_store_authenticate_result_get_type(), RkvKvStoreAuthenticateResult.self)
        }
    }

    /// Appends one framed reply to `authenticate`.
    public func encodeAuthenticateReply(_ outcome: Result<Void, KVError>, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: Self.authenticateMethod, type: T_REPLY, seqid: seqid)
            writeVoidResult(outcome, rkv_kv_store_authenticate_result_get_type(), RkvKvStoreAuthenticateResult.self)
        }
    }

    func readAuthenticateArguments() throws(WireError) -> String {
        try readStruct(rkv_kv_store_authenticate_args_get_type(), as: RkvKvStoreAuthenticateArgs.self) {
            GLibBridge.string($0.pointee.request.pointee.client_token)
        }
    }
}
