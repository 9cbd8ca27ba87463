/// Size limits a replica enforces on client requests. A request over a limit is
/// refused with TOO_LARGE before it reaches the log, so one oversize write can
/// never stall replication for everyone else.
public struct RequestLimits: Sendable, Equatable {
    public var maxKeyBytes: Int
    public var maxValueBytes: Int
    /// The most entries one scan may return.
    public var maxScanLimit: Int32
    /// The most key and value bytes (`KeyValue.wireBytes`) one scan reply
    /// carries: a page that would exceed it ends early with a `continuation`.
    /// The first entry is always returned, so a scan always makes progress.
    public var maxScanBytes: Int

    public static let defaultMaxScanBytes = 4 << 20

    public static let `default` = RequestLimits(maxKeyBytes: 4096, maxValueBytes: 4 << 20, maxScanLimit: 10_000)

    public init(maxKeyBytes: Int, maxValueBytes: Int, maxScanLimit: Int32, maxScanBytes: Int = RequestLimits.defaultMaxScanBytes) {
        self.maxKeyBytes = maxKeyBytes
        self.maxValueBytes = maxValueBytes
        self.maxScanLimit = maxScanLimit
        self.maxScanBytes = maxScanBytes
    }

    /// Bytes of a scan reply beyond its entries: the message header, the
    /// result struct, the applied index and a `continuation` key.
    public var scanReplyOverheadBytes: Int { maxKeyBytes + 1024 }

    /// Checks a request before it is served. Errors carry the wire code the client sees.
    public func validate(_ request: ClientRequest) throws(KVError) {
        switch request {
        case .get(let get):
            try checkKey(get.key)
            try checkReadOptions(get.options)
        case .put(let put):
            try checkKey(put.key)
            try checkValue(put.value)
        case .delete(let delete):
            try checkKey(delete.key)
        case .compareAndSet(let cas):
            try checkKey(cas.key)
            if let expected = cas.expected { try checkValue(expected, name: "expected value") }
            try checkValue(cas.newValue)
        case .scan(let scan):
            try checkScan(scan)
        case .ping, .status, .registerSession:
            return
        }
    }

    private func checkKey(_ key: Bytes, name: String = "key") throws(KVError) {
        if key.isEmpty { throw .invalidArgument("\(name) must not be empty") }
        if key.count > maxKeyBytes {
            throw .tooLarge("\(name) is \(key.count) bytes; the limit is \(maxKeyBytes) (limits.max_key_bytes)")
        }
    }

    private func checkValue(_ value: Bytes, name: String = "value") throws(KVError) {
        if value.count > maxValueBytes {
            throw .tooLarge("\(name) is \(value.count) bytes; the limit is \(maxValueBytes) (limits.max_value_bytes)")
        }
    }

    private func checkReadOptions(_ options: ReadOptions) throws(KVError) {
        if let minIndex = options.minIndex, minIndex < 0 {
            throw .invalidArgument("min_index must be >= 0, got \(minIndex)")
        }
    }

    private func checkScan(_ scan: ScanRequest) throws(KVError) {
        if scan.startKey.count > maxKeyBytes { throw .tooLarge("start_key is \(scan.startKey.count) bytes; the limit is \(maxKeyBytes)") }
        if let end = scan.endKey {
            if end.count > maxKeyBytes { throw .tooLarge("end_key is \(end.count) bytes; the limit is \(maxKeyBytes)") }
            if bytesLess(end, scan.startKey) { throw .invalidArgument("end_key sorts before start_key") }
        }
        if scan.limit < 1 || scan.limit > maxScanLimit {
            throw .invalidArgument("limit must be between 1 and \(maxScanLimit), got \(scan.limit)")
        }
        try checkReadOptions(scan.options)
    }
}
