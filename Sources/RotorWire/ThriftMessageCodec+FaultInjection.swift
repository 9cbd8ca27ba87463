import CThriftGLib
import NIOCore
import RotorModel
import RotorThriftGen

/// The test-only `injectFault` RPC (IDL InjectFaultRequest) ↔ `FaultRule`.
/// The torture tool is the caller and a replica the server; replicas never
/// call it on each other. Same framing, threading and error rules as the
/// other calls.
extension ThriftMessageCodec {
    static let injectFaultMethod = "injectFault"

    // MARK: Caller side

    /// Appends one framed `injectFault` call; `proof` goes into `auth_proof` (unset when nil).
    /// The rule must be valid (`FaultRule.validationProblem` is nil); an id that
    /// does not fit the wire's i32 is a bug of the caller and traps.
    public func encodeInjectFault(_ rule: FaultRule, proof: [UInt8]?, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: Self.injectFaultMethod, type: T_CALL, seqid: seqid)
            let args = GLibBridge.newStruct(rkv_kv_store_inject_fault_args_get_type(), as: RkvKvStoreInjectFaultArgs.self)
            defer { GLibBridge.release(args) }
            let s = args.pointee.request!
            Self.fill(s.pointee.drop_to, with: rule.dropTo)
            Self.fill(s.pointee.drop_from, with: rule.dropFrom)
            Self.setProof(proof, &s.pointee.auth_proof, &s.pointee.__isset_auth_proof)
            writeStruct(args)
        }
    }

    /// Decodes the reply to `injectFault`: success, or the declared `KvError`
    /// (UNAUTHORIZED, INVALID_ARGUMENT). A replica that predates the RPC
    /// answers TApplicationException UNKNOWN_METHOD, which throws.
    public func decodeInjectFaultReply(_ frame: ByteBuffer, seqid: Int32) throws(WireError) -> Result<Void, KVError> {
        try decodeReplyMessage(frame, name: Self.injectFaultMethod, seqid: seqid) { () throws(WireError) in
            try readVoidResult(rkv_kv_store_inject_fault_result_get_type(), RkvKvStoreInjectFaultResult.self)
        }
    }

    // MARK: Serving side

    /// Appends one framed reply to `injectFault`.
    public func encodeInjectFaultReply(_ outcome: Result<Void, KVError>, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: Self.injectFaultMethod, type: T_REPLY, seqid: seqid)
            writeVoidResult(outcome, rkv_kv_store_inject_fault_result_get_type(), RkvKvStoreInjectFaultResult.self)
        }
    }

    /// The rule and its `auth_proof` (nil when unset). A negative id is refused
    /// here, as a malformed call: no replica has one.
    func readInjectFaultArguments() throws(WireError) -> (rule: FaultRule, proof: [UInt8]?) {
        let decoded = try readStruct(rkv_kv_store_inject_fault_args_get_type(), as: RkvKvStoreInjectFaultArgs.self) {
            args -> Result<(rule: FaultRule, proof: [UInt8]?), WireError> in
            guard args.pointee.__isset_request != 0, let s = args.pointee.request else {
                return .failure(.malformedMessage("the request argument is missing"))
            }
            let rule = FaultRule(dropTo: Self.replicaIDs(s.pointee.drop_to), dropFrom: Self.replicaIDs(s.pointee.drop_from))
            return .success((rule, Self.proof(s.pointee.auth_proof, isSet: s.pointee.__isset_auth_proof)))
        }
        let result = try decoded.get()
        if let problem = result.rule.validationProblem { throw .malformedMessage(problem) }
        return result
    }

    // MARK: Pieces

    /// A generated `list<i32>` (a GArray of gint32) as replica ids.
    private static func replicaIDs(_ array: UnsafeMutablePointer<GArray>?) -> [Int] {
        guard let array, array.pointee.len > 0, let data = array.pointee.data else { return [] }
        return UnsafeRawPointer(data).withMemoryRebound(to: gint32.self, capacity: Int(array.pointee.len)) { ids in
            (0..<Int(array.pointee.len)).map { Int(ids[$0]) }
        }
    }

    /// Appends `ids`, sorted, to a generated `list<i32>`.
    private static func fill(_ array: UnsafeMutablePointer<GArray>?, with ids: Set<Int>) {
        guard let array else { preconditionFailure("the generated InjectFaultRequest has no list to fill") }
        for id in ids.sorted() {
            var wire = wireReplicaID(id)
            g_array_append_vals(array, &wire, 1)
        }
    }
}

extension RkvKvStoreInjectFaultResult: DeclaresKvError {
    var errorIfSet: UnsafeMutablePointer<RkvKvError>? { __isset_error != 0 ? error : nil }
    mutating func setError(_ error: UnsafeMutablePointer<RkvKvError>) { self.error = error; __isset_error = 1 }
}
