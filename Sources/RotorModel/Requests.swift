/// How fresh a read must be (IDL `ReadConsistency`).
public enum ReadConsistency: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Served from this replica's applied state; may be stale on a follower.
    case local = 0
    /// Served by the leader after it confirms leadership with a majority (ReadIndex).
    case linearizable = 1

    /// The IDL spelling.
    public var description: String {
        switch self {
        case .local: "LOCAL"
        case .linearizable: "LINEARIZABLE"
        }
    }
}

/// Options shared by the read RPCs (IDL `ReadOptions`).
public struct ReadOptions: Sendable, Equatable {
    public var consistency: ReadConsistency
    /// Wait until this replica has applied at least this index (read-your-writes).
    public var minIndex: Int64?

    public init(consistency: ReadConsistency = .local, minIndex: Int64? = nil) {
        self.consistency = consistency
        self.minIndex = minIndex
    }
}

/// Identifies a write so that a retried or forwarded duplicate applies at most once.
public struct WriteOptions: Sendable, Equatable {
    public var clientID: Int64?
    public var requestID: Int64?

    public init(clientID: Int64? = nil, requestID: Int64? = nil) {
        self.clientID = clientID
        self.requestID = requestID
    }
}

public struct GetRequest: Sendable, Equatable {
    public var key: Bytes
    public var options: ReadOptions
    public init(key: Bytes, options: ReadOptions = ReadOptions()) {
        self.key = key
        self.options = options
    }
}

public struct GetResponse: Sendable, Equatable {
    /// nil when the key is absent.
    public var value: Bytes?
    /// The applied log index this read was served at.
    public var appliedIndex: Int64
    public init(value: Bytes?, appliedIndex: Int64) {
        self.value = value
        self.appliedIndex = appliedIndex
    }
}

public struct PutRequest: Sendable, Equatable {
    public var key: Bytes
    public var value: Bytes
    public var options: WriteOptions
    public init(key: Bytes, value: Bytes, options: WriteOptions = WriteOptions()) {
        self.key = key
        self.value = value
        self.options = options
    }
}

public struct PutResponse: Sendable, Equatable {
    /// The log index the write committed at.
    public var index: Int64
    public init(index: Int64) { self.index = index }
}

public struct DeleteRequest: Sendable, Equatable {
    public var key: Bytes
    public var options: WriteOptions
    public init(key: Bytes, options: WriteOptions = WriteOptions()) {
        self.key = key
        self.options = options
    }
}

public struct DeleteResponse: Sendable, Equatable {
    public var existed: Bool
    public var index: Int64
    public init(existed: Bool, index: Int64) {
        self.existed = existed
        self.index = index
    }
}

/// Sets `key` to `newValue` only if its value equals `expected`; nil `expected`
/// means "only if the key is absent".
public struct CompareAndSetRequest: Sendable, Equatable {
    public var key: Bytes
    public var expected: Bytes?
    public var newValue: Bytes
    public var options: WriteOptions
    public init(key: Bytes, expected: Bytes?, newValue: Bytes, options: WriteOptions = WriteOptions()) {
        self.key = key
        self.expected = expected
        self.newValue = newValue
        self.options = options
    }
}

public struct CompareAndSetResponse: Sendable, Equatable {
    public var succeeded: Bool
    /// The value found when the comparison failed; nil if the key was absent.
    public var current: Bytes?
    public var index: Int64
    public init(succeeded: Bool, current: Bytes?, index: Int64) {
        self.succeeded = succeeded
        self.current = current
        self.index = index
    }
}

/// Keys in unsigned byte order over [startKey, endKey).
public struct ScanRequest: Sendable, Equatable {
    public var startKey: Bytes
    /// nil: no upper bound.
    public var endKey: Bytes?
    public var limit: Int32
    public var options: ReadOptions
    public init(startKey: Bytes, endKey: Bytes? = nil, limit: Int32, options: ReadOptions = ReadOptions()) {
        self.startKey = startKey
        self.endKey = endKey
        self.limit = limit
        self.options = options
    }
}

public struct ScanResponse: Sendable, Equatable {
    public var entries: [KeyValue]
    /// Set when more keys remain: the next request's `startKey`.
    public var continuation: Bytes?
    public var appliedIndex: Int64
    public init(entries: [KeyValue], continuation: Bytes?, appliedIndex: Int64) {
        self.entries = entries
        self.continuation = continuation
        self.appliedIndex = appliedIndex
    }
}
