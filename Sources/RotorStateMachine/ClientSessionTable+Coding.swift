import RotorModel

/// The canonical encoding of the session table, shared by snapshots and the
/// digest (integers little-endian, counts as varints):
///
///     max clients, window size         varints
///     client count                     varint
///     per client, least recently used first:
///         client id, last used index, floor     8 bytes each
///         result count                          varint
///         per result, by request id: request id, applied index,
///                                   command fingerprint (8 bytes each), result
extension ClientSessionTable {
    /// Bytes a client takes at least: three fixed ints and a count.
    private static let minimumClientSize = 25

    func encode<Sink: ByteSink>(into sink: inout Sink) {
        sink.writeCount(limits.maxClients)
        sink.writeCount(limits.windowSize)
        let ordered = clientsByRecency
        sink.writeCount(ordered.count)
        for (clientID, window) in ordered {
            sink.writeInt64(clientID)
            sink.writeInt64(window.lastUsedIndex)
            sink.writeInt64(window.floor)
            sink.writeCount(window.entries.count)
            for entry in window.entries {
                sink.writeInt64(entry.requestID)
                sink.writeInt64(entry.index)
                sink.writeFixed64(entry.fingerprint)
                entry.result.encode(into: &sink)
            }
        }
    }

    /// Decodes and validates a table of a state at `appliedIndex`: limits
    /// positive, clients unique, within the limits, each id a registration index
    /// no later than the client's last use, strictly increasing in last
    /// use (never past `appliedIndex`), windows sorted and above their floors,
    /// results applied no later than their client's last use.
    static func decode(from reader: inout ByteReader, appliedIndex: Int64) throws(KVError) -> ClientSessionTable {
        let maxClients = try reader.readCount(atMost: Int.max, "max clients")
        let windowSize = try reader.readCount(atMost: Int.max, "window size")
        guard maxClients >= 1, windowSize >= 1 else {
            throw reader.corrupt("session limits must be positive, got \(maxClients) clients, window \(windowSize)")
        }
        let limits = Limits(maxClients: maxClients, windowSize: windowSize)
        let count = try reader.readCount(atMost: min(maxClients, reader.remaining / minimumClientSize), "client count")
        var ordered: [(clientID: Int64, window: ClientWindow)] = []
        ordered.reserveCapacity(count)
        var seen = Set<Int64>(minimumCapacity: count)
        var previousUse: Int64 = 0
        for _ in 0 ..< count {
            let clientID = try reader.readInt64()
            guard seen.insert(clientID).inserted else { throw reader.corrupt("client \(clientID) appears twice") }
            let window = try decodeWindow(from: &reader, limits: limits, after: previousUse, upTo: appliedIndex)
            guard clientID >= 1, clientID <= window.lastUsedIndex else {
                throw reader.corrupt("client \(clientID) is not the index of a registration at or before its last use \(window.lastUsedIndex)")
            }
            previousUse = window.lastUsedIndex
            ordered.append((clientID, window))
        }
        return ClientSessionTable(limits: limits, clientsByRecency: ordered)
    }

    private static func decodeWindow(from reader: inout ByteReader, limits: Limits,
                                     after previousUse: Int64, upTo appliedIndex: Int64) throws(KVError) -> ClientWindow {
        let lastUsedIndex = try reader.readInt64()
        guard lastUsedIndex > previousUse, lastUsedIndex <= appliedIndex else {
            throw reader.corrupt("client last used at \(lastUsedIndex), expected in (\(previousUse), \(appliedIndex)]")
        }
        var window = ClientWindow(lastUsedIndex: lastUsedIndex, floor: try reader.readInt64())
        let count = try reader.readCount(atMost: min(limits.windowSize, reader.remaining / 25), "result count")
        window.entries.reserveCapacity(count)
        for _ in 0 ..< count {
            window.entries.append(try decodeEntry(from: &reader, after: window.entries.last, in: window))
        }
        return window
    }

    private static func decodeEntry(from reader: inout ByteReader, after previous: ClientWindow.Entry?,
                                    in window: ClientWindow) throws(KVError) -> ClientWindow.Entry {
        let requestID = try reader.readInt64()
        let afterPrevious = previous.map { requestID > $0.requestID } ?? true
        guard afterPrevious, requestID >= window.floor else {
            throw reader.corrupt("request \(requestID) is out of order or below the floor \(window.floor)")
        }
        let index = try reader.readInt64()
        guard index >= 1, index <= window.lastUsedIndex else {
            throw reader.corrupt("request applied at \(index), expected in [1, \(window.lastUsedIndex)]")
        }
        let fingerprint = try reader.readFixed64()
        return ClientWindow.Entry(requestID: requestID, index: index, fingerprint: fingerprint,
                                  result: try KvCommandResult.decode(from: &reader))
    }
}
