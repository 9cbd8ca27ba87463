import CThriftGLib
import RotorModel
import RotorThriftGen

/// Client requests ↔ the generated `rkv_kv_store_*_args` structs.
extension ThriftMessageCodec {
    /// The request a call's arguments hold, or the declared error for
    /// arguments that decode but hold a value the IDL does not define (an
    /// out-of-range enum): the client gets INVALID_ARGUMENT naming the field.
    func readArguments(_ method: ClientRequest.Method) throws(WireError) -> Result<ClientRequest, KVError> {
        switch method {
        case .get:
            try readStruct(rkv_kv_store_get_args_get_type(), as: RkvKvStoreGetArgs.self) { args in
                Result { () throws(KVError) in .get(try Self.getRequest(args.pointee.request)) }
            }
        case .put:
            try readStruct(rkv_kv_store_put_args_get_type(), as: RkvKvStorePutArgs.self) { .success(.put(Self.putRequest($0.pointee.request))) }
        case .delete:
            try readStruct(rkv_kv_store_delete_key_args_get_type(), as: RkvKvStoreDeleteKeyArgs.self) {
                .success(.delete(Self.deleteRequest($0.pointee.request)))
            }
        case .compareAndSet:
            try readStruct(rkv_kv_store_compare_and_set_args_get_type(), as: RkvKvStoreCompareAndSetArgs.self) {
                .success(.compareAndSet(Self.compareAndSetRequest($0.pointee.request)))
            }
        case .scan:
            try readStruct(rkv_kv_store_scan_args_get_type(), as: RkvKvStoreScanArgs.self) { args in
                Result { () throws(KVError) in .scan(try Self.scanRequest(args.pointee.request)) }
            }
        case .ping:
            try readStruct(rkv_kv_store_ping_args_get_type(), as: RkvKvStorePingArgs.self) { _ in .success(.ping) }
        case .status:
            try readStruct(rkv_kv_store_status_args_get_type(), as: RkvKvStoreStatusArgs.self) { _ in .success(.status) }
        case .registerSession:
            try readStruct(rkv_kv_store_register_session_args_get_type(), as: RkvKvStoreRegisterSessionArgs.self) { _ in .success(.registerSession) }
        }
    }

    func writeArguments(_ request: ClientRequest) {
        switch request {
        case .get(let get):
            let args = GLibBridge.newStruct(rkv_kv_store_get_args_get_type(), as: RkvKvStoreGetArgs.self)
            defer { GLibBridge.release(args) }
            Self.fill(args.pointee.request, with: get)
            writeStruct(args)
        case .put(let put):
            let args = GLibBridge.newStruct(rkv_kv_store_put_args_get_type(), as: RkvKvStorePutArgs.self)
            defer { GLibBridge.release(args) }
            Self.fill(args.pointee.request, with: put)
            writeStruct(args)
        case .delete(let delete):
            let args = GLibBridge.newStruct(rkv_kv_store_delete_key_args_get_type(), as: RkvKvStoreDeleteKeyArgs.self)
            defer { GLibBridge.release(args) }
            Self.fill(args.pointee.request, with: delete)
            writeStruct(args)
        case .compareAndSet(let cas):
            let args = GLibBridge.newStruct(rkv_kv_store_compare_and_set_args_get_type(), as: RkvKvStoreCompareAndSetArgs.self)
            defer { GLibBridge.release(args) }
            Self.fill(args.pointee.request, with: cas)
            writeStruct(args)
        case .scan(let scan):
            let args = GLibBridge.newStruct(rkv_kv_store_scan_args_get_type(), as: RkvKvStoreScanArgs.self)
            defer { GLibBridge.release(args) }
            Self.fill(args.pointee.request, with: scan)
            writeStruct(args)
        case .ping:
            let args = GLibBridge.newStruct(rkv_kv_store_ping_args_get_type(), as: RkvKvStorePingArgs.self)
            defer { GLibBridge.release(args) }
            writeStruct(args)
        case .status:
            let args = GLibBridge.newStruct(rkv_kv_store_status_args_get_type(), as: RkvKvStoreStatusArgs.self)
            defer { GLibBridge.release(args) }
            writeStruct(args)
        case .registerSession:
            let args = GLibBridge.newStruct(rkv_kv_store_register_session_args_get_type(), as: RkvKvStoreRegisterSessionArgs.self)
            defer { GLibBridge.release(args) }
            writeStruct(args)
        }
    }

    // MARK: Decoding

    private static func getRequest(_ s: UnsafeMutablePointer<RkvGetRequest>) throws(KVError) -> GetRequest {
        GetRequest(key: GLibBridge.bytes(s.pointee.key), options: try readOptions(s.pointee.options, isSet: s.pointee.__isset_options))
    }

    private static func putRequest(_ s: UnsafeMutablePointer<RkvPutRequest>) -> PutRequest {
        PutRequest(key: GLibBridge.bytes(s.pointee.key), value: GLibBridge.bytes(s.pointee.value),
                   options: writeOptions(s.pointee.options, isSet: s.pointee.__isset_options))
    }

    private static func deleteRequest(_ s: UnsafeMutablePointer<RkvDeleteRequest>) -> DeleteRequest {
        DeleteRequest(key: GLibBridge.bytes(s.pointee.key), options: writeOptions(s.pointee.options, isSet: s.pointee.__isset_options))
    }

    private static func compareAndSetRequest(_ s: UnsafeMutablePointer<RkvCompareAndSetRequest>) -> CompareAndSetRequest {
        CompareAndSetRequest(key: GLibBridge.bytes(s.pointee.key),
                             expected: Bool(gboolean: s.pointee.__isset_expected) ? GLibBridge.bytes(s.pointee.expected) : nil,
                             newValue: GLibBridge.bytes(s.pointee.new_value),
                             options: writeOptions(s.pointee.options, isSet: s.pointee.__isset_options))
    }

    private static func scanRequest(_ s: UnsafeMutablePointer<RkvScanRequest>) throws(KVError) -> ScanRequest {
        ScanRequest(startKey: GLibBridge.bytes(s.pointee.start_key),
                    endKey: Bool(gboolean: s.pointee.__isset_end_key) ? GLibBridge.bytes(s.pointee.end_key) : nil,
                    limit: s.pointee.limit,
                    options: try readOptions(s.pointee.options, isSet: s.pointee.__isset_options))
    }

    private static func readOptions(_ s: UnsafeMutablePointer<RkvReadOptions>?, isSet: gboolean) throws(KVError) -> ReadOptions {
        guard let s, isSet != 0 else { return ReadOptions() }
        var consistency = ReadConsistency.local
        if s.pointee.__isset_consistency != 0 {
            // The generated reader stores any i32 it reads: check it against the IDL here.
            let raw = Int32(bitPattern: UInt32(truncatingIfNeeded: s.pointee.consistency.rawValue))
            guard let known = ReadConsistency(rawValue: raw) else { throw outOfRange("ReadOptions.consistency", raw, ReadConsistency.self) }
            consistency = known
        }
        return ReadOptions(consistency: consistency, minIndex: s.pointee.__isset_min_index != 0 ? Int64(s.pointee.min_index) : nil)
    }

    /// INVALID_ARGUMENT for an enum field holding a value its IDL enum does not define.
    private static func outOfRange<E: CaseIterable & RawRepresentable>(_ field: String, _ value: Int32, _: E.Type) -> KVError
    where E.RawValue == Int32 {
        let defined = E.allCases.map { "\($0) = \($0.rawValue)" }.joined(separator: ", ")
        return .invalidArgument("\(field) is \(value), which is not a defined value (\(defined))")
    }

    private static func writeOptions(_ s: UnsafeMutablePointer<RkvWriteOptions>?, isSet: gboolean) -> WriteOptions {
        guard let s, isSet != 0 else { return WriteOptions() }
        return WriteOptions(clientID: s.pointee.__isset_client_id != 0 ? Int64(s.pointee.client_id) : nil,
                            requestID: s.pointee.__isset_request_id != 0 ? Int64(s.pointee.request_id) : nil)
    }

    // MARK: Encoding

    private static func fill(_ s: UnsafeMutablePointer<RkvGetRequest>, with request: GetRequest) {
        s.pointee.key = GLibBridge.byteArray(request.key)
        s.pointee.__isset_options = fill(s.pointee.options, with: request.options).gboolean
    }

    private static func fill(_ s: UnsafeMutablePointer<RkvPutRequest>, with request: PutRequest) {
        s.pointee.key = GLibBridge.byteArray(request.key)
        s.pointee.value = GLibBridge.byteArray(request.value)
        s.pointee.__isset_options = fill(s.pointee.options, with: request.options).gboolean
    }

    private static func fill(_ s: UnsafeMutablePointer<RkvDeleteRequest>, with request: DeleteRequest) {
        s.pointee.key = GLibBridge.byteArray(request.key)
        s.pointee.__isset_options = fill(s.pointee.options, with: request.options).gboolean
    }

    private static func fill(_ s: UnsafeMutablePointer<RkvCompareAndSetRequest>, with request: CompareAndSetRequest) {
        s.pointee.key = GLibBridge.byteArray(request.key)
        if let expected = request.expected {
            s.pointee.expected = GLibBridge.byteArray(expected)
            s.pointee.__isset_expected = 1
        }
        s.pointee.new_value = GLibBridge.byteArray(request.newValue)
        s.pointee.__isset_options = fill(s.pointee.options, with: request.options).gboolean
    }

    private static func fill(_ s: UnsafeMutablePointer<RkvScanRequest>, with request: ScanRequest) {
        s.pointee.start_key = GLibBridge.byteArray(request.startKey)
        if let end = request.endKey {
            s.pointee.end_key = GLibBridge.byteArray(end)
            s.pointee.__isset_end_key = 1
        }
        s.pointee.limit = request.limit
        s.pointee.__isset_options = fill(s.pointee.options, with: request.options).gboolean
    }

    /// Returns whether anything differs from the defaults (only then is the struct sent).
    private static func fill(_ s: UnsafeMutablePointer<RkvReadOptions>, with options: ReadOptions) -> Bool {
        if options.consistency != .local {
            s.pointee.consistency = RkvReadConsistency(rawValue: UInt32(options.consistency.rawValue))
            s.pointee.__isset_consistency = 1
        }
        if let minIndex = options.minIndex {
            s.pointee.min_index = gint64(minIndex)
            s.pointee.__isset_min_index = 1
        }
        return options != ReadOptions()
    }

    private static func fill(_ s: UnsafeMutablePointer<RkvWriteOptions>, with options: WriteOptions) -> Bool {
        if let clientID = options.clientID {
            s.pointee.client_id = gint64(clientID)
            s.pointee.__isset_client_id = 1
        }
        if let requestID = options.requestID {
            s.pointee.request_id = gint64(requestID)
            s.pointee.__isset_request_id = 1
        }
        return options != WriteOptions()
    }
}
