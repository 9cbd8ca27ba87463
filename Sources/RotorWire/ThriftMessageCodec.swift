import CThriftGLib
import NIOCore
import RotorModel
import RotorThriftGen

/// A call decoded by a server: what to run, and how to address the reply.
public enum DecodedCall: Sendable, Equatable {
    case call(ClientRequest, seqid: Int32)
    /// A consensus RPC with its `auth_proof` (nil when the field is unset), not yet verified.
    case peer(PeerCall, proof: [UInt8]?, seqid: Int32)
    /// The connection-level login.
    case authenticate(token: String, seqid: Int32)
    /// The test-only partition rule with its `auth_proof` (nil when unset), not yet verified.
    case injectFault(FaultRule, proof: [UInt8]?, seqid: Int32)
    /// Answered with TApplicationException UNKNOWN_METHOD; the connection stays up.
    case unknownMethod(name: String, seqid: Int32)
    /// A client call whose arguments decode but hold a value the IDL does not
    /// define (an out-of-range enum): answered with this declared `KvError`
    /// (INVALID_ARGUMENT); the connection stays up.
    case refused(ClientRequest.Method, KVError, seqid: Int32)
}

/// Encodes and decodes whole Thrift messages (binary protocol) with
/// libthrift-c-glib's generated structs, one frame at a time.
///
/// Each instance owns a frame transport and a protocol object, reused for every
/// message: create one per connection and use it from one thread only (the
/// connection's event loop). Input is read in place, never copied, and reads
/// fail on short data, so a truncated or lying frame is an error, not a hang
/// or a huge allocation.
public final class ThriftMessageCodec {
    let transport: OpaquePointer
    let protocolObject: UnsafeMutablePointer<ThriftProtocol>

    public init() {
        ThriftRuntime.initialize()
        guard let transport = rkv_frame_transport_new(), let protocolObject = rkv_safe_protocol_new(transport) else {
            preconditionFailure("cannot create the Thrift frame transport")
        }
        self.transport = transport
        self.protocolObject = protocolObject
    }

    deinit {
        rkv_object_unref(protocolObject)
        rkv_object_unref(UnsafeMutableRawPointer(transport))
    }

    // MARK: Server side

    /// Decodes one call frame. Throws `.malformedMessage` when the header is
    /// unreadable (close the connection) and `.invalidArguments` when only the
    /// arguments are bad (answer PROTOCOL_ERROR, keep the connection).
    public func decodeCall(_ frame: ByteBuffer) throws(WireError) -> DecodedCall {
        try decodeCall(frame, fastPath: true)
    }

    /// `fastPath: false` decodes every call with the generated c_glib structs (for tests).
    func decodeCall(_ frame: ByteBuffer, fastPath: Bool) throws(WireError) -> DecodedCall {
        try reading(frame) { () throws(WireError) -> DecodedCall in
            let header = try readMessageBegin()
            guard header.type == T_CALL || header.type == T_ONEWAY else {
                throw .invalidArguments(method: header.name, seqid: header.seqid, reason: "message type \(header.type.rawValue) is not a call")
            }
            do throws(WireError) {
                if let method = ClientRequest.Method(rawValue: header.name) {
                    switch try readArguments(method) {
                    case .success(let request): return .call(request, seqid: header.seqid)
                    case .failure(let error): return .refused(method, error, seqid: header.seqid)
                    }
                }
                if let method = PeerCall.Method(rawValue: header.name) {
                    if fastPath, method == .appendEntry, let (call, proof) = try fastAppendEntries(frame) {
                        return .peer(call, proof: proof, seqid: header.seqid)
                    }
                    let (call, proof) = try readPeerArguments(method)
                    return .peer(call, proof: proof, seqid: header.seqid)
                }
                if header.name == Self.authenticateMethod {
                    return .authenticate(token: try readAuthenticateArguments(), seqid: header.seqid)
                }
                if header.name == Self.injectFaultMethod {
                    let (rule, proof) = try readInjectFaultArguments()
                    return .injectFault(rule, proof: proof, seqid: header.seqid)
                }
            } catch {
                throw .invalidArguments(method: header.name, seqid: header.seqid, reason: error.reason)
            }
            return .unknownMethod(name: header.name, seqid: header.seqid)
        }
    }

    /// Appends one framed reply: the result struct, or the declared `KvError`.
    public func encodeReply(_ outcome: Result<ClientResponse, KVError>, method: ClientRequest.Method, seqid: Int32,
                            into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: method.rawValue, type: T_REPLY, seqid: seqid)
            writeResult(outcome, method: method)
        }
    }

    /// Appends one framed TApplicationException, for calls that cannot be answered otherwise.
    public func encodeApplicationException(name: String, seqid: Int32, type: ApplicationExceptionType, message: String,
                                           into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: name, type: T_EXCEPTION, seqid: seqid)
            let exception = GLibBridge.newStruct(thrift_application_exception_get_type(), as: ThriftApplicationException.self)
            defer { GLibBridge.release(exception) }
            exception.pointee.type = type.rawValue
            exception.pointee.__isset_type = 1
            exception.pointee.message = GLibBridge.duplicate(message)
            exception.pointee.__isset_message = 1
            writeStruct(exception)
        }
    }

    /// The rest of an `appendEntry` frame in the expected shape, decoded in Swift and
    /// validated; nil when the generated reader must decode it.
    private func fastAppendEntries(_ frame: ByteBuffer) throws(WireError) -> (PeerCall, [UInt8]?)? {
        let remaining = Int(rkv_frame_transport_input_remaining(transport))
        guard let args = frame.getSlice(at: frame.writerIndex - remaining, length: remaining),
              let (append, proof) = AppendEntriesFastPath.decodeArguments(args) else { return nil }
        let call = PeerCall.appendEntry(append)
        if let problem = call.validationProblem { throw .malformedMessage(problem) }
        return (call, proof)
    }

    // MARK: Client side

    /// Appends one framed call.
    public func encodeCall(_ request: ClientRequest, seqid: Int32, into buffer: inout ByteBuffer) {
        writing(into: &buffer) {
            writeMessageBegin(name: request.method.rawValue, type: T_CALL, seqid: seqid)
            writeArguments(request)
        }
    }

    /// Decodes the reply to a call of `method` with `seqid`. A declared
    /// `KvError` is a `.failure`; anything that breaks the exchange throws.
    public func decodeReply(_ frame: ByteBuffer, method: ClientRequest.Method, seqid: Int32) throws(WireError) -> Result<ClientResponse, KVError> {
        try decodeReplyMessage(frame, name: method.rawValue, seqid: seqid) { () throws(WireError) in try readResult(method) }
    }

    /// Checks a reply's header against the call it answers, then reads its result with `body`.
    func decodeReplyMessage<R>(_ frame: ByteBuffer, name: String, seqid: Int32, _ body: () throws(WireError) -> R) throws(WireError) -> R {
        try reading(frame) { () throws(WireError) -> R in
            let header = try readMessageBegin()
            guard header.seqid == seqid else {
                throw .unexpectedReply("expected a reply to call #\(seqid), got #\(header.seqid)")
            }
            if header.type == T_EXCEPTION { throw try readApplicationException() }
            guard header.name == name else {
                throw .unexpectedReply("expected a reply to \(name), got \(header.name)")
            }
            guard header.type == T_REPLY else { throw .unexpectedReply("message type \(header.type.rawValue)") }
            return try body()
        }
    }

    // MARK: Framing

    func reading<R>(_ frame: ByteBuffer, _ body: () throws(WireError) -> R) throws(WireError) -> R {
        let outcome: Result<R, WireError> = frame.withUnsafeReadableBytes { bytes in
            rkv_frame_transport_set_input(transport, bytes.baseAddress, guint32(bytes.count))
            defer { rkv_frame_transport_set_input(transport, nil, 0) }
            do throws(WireError) { return .success(try body()) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    func writing(into buffer: inout ByteBuffer, _ body: () -> Void) {
        rkv_frame_transport_clear_output(transport)
        body()
        let output = rkv_frame_transport_output(transport)!
        let length = Int(output.pointee.len)
        buffer.reserveCapacity(minimumWritableBytes: 4 + length)
        buffer.writeInteger(UInt32(length))
        buffer.writeBytes(UnsafeRawBufferPointer(start: output.pointee.data, count: length))
    }

    struct MessageHeader {
        var name: String
        var type: ThriftMessageType
        var seqid: Int32
    }

    private func readMessageBegin() throws(WireError) -> MessageHeader {
        var name: UnsafeMutablePointer<gchar>?
        var type = ThriftMessageType(0)
        var seqid: gint32 = 0
        var error: UnsafeMutablePointer<GError>?
        let result = thrift_protocol_read_message_begin(protocolObject, &name, &type, &seqid, &error)
        defer { g_free(name) }
        if result < 0 { throw .malformedMessage(GLibBridge.consume(error)) }
        return MessageHeader(name: GLibBridge.string(name), type: type, seqid: seqid)
    }

    func writeMessageBegin(name: String, type: ThriftMessageType, seqid: Int32) {
        // Writes into a growable memory buffer cannot fail.
        _ = thrift_protocol_write_message_begin(protocolObject, name, type, seqid, nil)
    }

    /// Reads a generated struct of `type` and hands it to `body`; frees it after.
    func readStruct<T, R>(_ type: GType, as _: T.Type, _ body: (UnsafeMutablePointer<T>) -> R) throws(WireError) -> R {
        let object = GLibBridge.newStruct(type, as: T.self)
        defer { GLibBridge.release(object) }
        var error: UnsafeMutablePointer<GError>?
        if rkv_struct_read(object, protocolObject, &error) < 0 {
            throw .malformedMessage(GLibBridge.consume(error))
        }
        return body(object)
    }

    func writeStruct<T>(_ object: UnsafeMutablePointer<T>) {
        _ = rkv_struct_write(object, protocolObject, nil)
    }

    private func readApplicationException() throws(WireError) -> WireError {
        try readStruct(thrift_application_exception_get_type(), as: ThriftApplicationException.self) { exception in
            .applicationException(type: exception.pointee.type, message: GLibBridge.string(exception.pointee.message))
        }
    }
}

extension WireError {
    /// The human part of a decoding error, for wrapping into another case.
    var reason: String {
        switch self {
        case .malformedMessage(let reason): reason
        default: description
        }
    }
}
