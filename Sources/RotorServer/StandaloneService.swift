import Foundation
import NIOConcurrencyHelpers
import RotorModel
import RotorStateMachine

/// The standalone mode: one replica, no consensus. Each write is given the
/// next log index and applied at once, so last = commit = applied index and
/// the status is trivial but true. Reads and writes share one lock around the
/// state machine; every request completes synchronously.
public final class StandaloneService: RequestHandler {
    private let state = NIOLockedValueBox(KvStateMachine())
    private let endpoint: String
    private let started = ContinuousClock.now
    /// `[limits] max_scan_bytes`: a scan page ends early past this many bytes.
    private let maxScanBytes: Int

    public init(endpoint: String, maxScanBytes: Int = RequestLimits.defaultMaxScanBytes) {
        self.endpoint = endpoint
        self.maxScanBytes = maxScanBytes
    }

    public func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        reply(Result { () throws(KVError) -> ClientResponse in try serve(request) })
    }

    func serve(_ request: ClientRequest) throws(KVError) -> ClientResponse {
        switch request {
        case .get(let get): return try read(get.options) { .get(GetResponse(value: $0.get(get.key), appliedIndex: $0.appliedIndex)) }
        case .scan(let scan): return try read(scan.options) { [maxScanBytes] in .scan($0.scan(scan, maxBytes: maxScanBytes)) }
        case .put(let put): return try write(.put(key: put.key, value: put.value), put.options)
        case .delete(let delete): return try write(.delete(key: delete.key), delete.options)
        case .compareAndSet(let cas): return try write(.compareAndSet(key: cas.key, expected: cas.expected, newValue: cas.newValue), cas.options)
        case .ping: return .ping
        case .status: return .status(status())
        case .registerSession: return registerSession()
        }
    }

    /// A single replica is its own leader, so LOCAL and LINEARIZABLE reads are
    /// the same; `min_index` beyond what was ever applied cannot be satisfied.
    private func read(_ options: ReadOptions, _ body: (KvStateMachine) -> ClientResponse) throws(KVError) -> ClientResponse {
        try state.withLockedValue { machine -> Result<ClientResponse, KVError> in
            if let minIndex = options.minIndex, minIndex > machine.appliedIndex {
                return .failure(.unavailable("min_index \(minIndex) is beyond this replica's applied index \(machine.appliedIndex); was the write made to another server?"))
            }
            return .success(body(machine))
        }.get()
    }

    private func write(_ command: KvCommand, _ options: WriteOptions) throws(KVError) -> ClientResponse {
        let session = try ClientSession(options)
        return try state.withLockedValue { machine -> Result<ClientResponse, KVError> in
            let index = machine.appliedIndex + 1
            let outcome = machine.apply(index: index, command: command, session: session)
            return clientResult(of: outcome, session: session, at: index)
        }.get()
    }

    /// A session registered at the next index (Raft dissertation §6.3), as a
    /// replicated log would: the client id is that index.
    private func registerSession() -> ClientResponse {
        state.withLockedValue { machine in
            let index = machine.appliedIndex + 1
            let clientID = machine.registerSession(index: index)
            return .registerSession(RegisterSessionResponse(clientID: clientID, index: index))
        }
    }

    /// Nothing is stored: no snapshot, and no log (each write is applied at
    /// once), so the log starts past the last index. The digest is of a copy
    /// taken under the lock (copy-on-write: free until the next write), so it
    /// is the digest at exactly `applied`, yet the pass over the whole state
    /// runs outside the lock and holds up no other request.
    private func status() -> ReplicaStatus {
        let machine = state.withLockedValue { $0 }
        let applied = machine.appliedIndex
        return ReplicaStatus(
            replicaID: 0, role: .standalone, term: 0, leaderID: 0, lastIndex: applied, commitIndex: applied,
            appliedIndex: applied, replicaCount: 1, endpoints: [endpoint], keyCount: Int64(machine.keyCount),
            uptimeMilliseconds: millisecondsSince(started),
            version: rotorKVVersion,
            stateDigest: machine.digest(), snapshotIndex: 0, logStartIndex: applied + 1)
    }
}
