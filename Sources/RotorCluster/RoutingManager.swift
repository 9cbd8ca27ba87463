import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RotorConsensus
import RotorModel
import RotorServer
import RotorStateMachine
import RotorWire

/// Serves the clients of one replica of a cluster.
///
/// - Reads are LOCAL by default: served from this replica's applied state at
///   once, possibly stale on a follower. With `min_index` the read first waits
///   until this replica applied that index (read-your-writes on any replica).
/// - LINEARIZABLE reads are served by the leader after a majority confirmed
///   its leadership (ReadIndex); a follower forwards them.
/// - Writes go through consensus on the leader and are answered once applied;
///   a follower forwards them with the client's session, so a retry is never
///   applied twice. While no leader is known a request waits for the election
///   until its deadline, then fails with UNAVAILABLE and a leader hint.
public final class RoutingManager: RequestHandler, PeerCallHandler {
    let node: ReplicaNode
    private let forwarder: LeaderForwarder
    private let started = ContinuousClock.now
    /// The last digest computed and the applied index it belongs to: polling
    /// an idle replica's status costs no pass over the state.
    private let lastDigest = NIOLockedValueBox<(index: Int64, digest: UInt64)?>(nil)
    /// `[limits] max_scan_bytes`: every scan page (LOCAL, min_index or
    /// LINEARIZABLE) ends early past this many bytes, with a continuation.
    private let maxScanBytes: Int

    init(node: ReplicaNode, forwarder: LeaderForwarder, maxScanBytes: Int) {
        self.node = node
        self.forwarder = forwarder
        self.maxScanBytes = maxScanBytes
    }

    public func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        switch request {
        case .get(let get): read(request, get.options, reply: reply) { machine in
            .get(GetResponse(value: machine.get(get.key), appliedIndex: machine.appliedIndex))
        }
        case .scan(let scan): read(request, scan.options, reply: reply) { [maxScanBytes] in .scan($0.scan(scan, maxBytes: maxScanBytes)) }
        case .put(let put): write(request, .put(key: put.key, value: put.value), put.options, reply: reply)
        case .delete(let delete): write(request, .delete(key: delete.key), delete.options, reply: reply)
        case .compareAndSet(let cas):
            write(request, .compareAndSet(key: cas.key, expected: cas.expected, newValue: cas.newValue), cas.options, reply: reply)
        case .ping: reply(.success(.ping))
        case .status: reply(.success(.status(status())))
        case .registerSession: registerSession(request, reply: reply)
        }
    }

    public func handle(_ call: PeerCall, reply: @escaping @Sendable (Result<PeerReply, KVError>) -> Void) {
        node.loop.execute { [node] in node.receive(call, reply: reply) }
    }

    /// The test-only partition rule, admitted by the server; kept on the node's loop.
    public func injectFault(_ rule: FaultRule, reply: @escaping @Sendable (Result<Void, KVError>) -> Void) {
        node.loop.execute { [node] in node.injectFault(rule, reply: reply) }
    }

    // MARK: Reads

    private func read(_ request: ClientRequest, _ options: ReadOptions, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void,
                      serve: @escaping @Sendable (KvStateMachine) -> ClientResponse) {
        if options.consistency == .linearizable {
            readLinearizably(request, reply: reply, serve: serve)
            return
        }
        // A replica rebuilding a lost disk holds a partial state: unavailable, never wrong.
        guard node.status.role != .recovering else {
            reply(.failure(KVError(.unavailable, "replica \(node.replicaID) is rebuilding a lost data directory and serves no "
                                   + "reads until it has caught up; ask another replica")))
            return
        }
        let minIndex = options.minIndex ?? 0
        if let response = node.machine.withLockedValue({ $0.appliedIndex >= minIndex ? serve($0) : nil }) {
            reply(.success(response))
            return
        }
        let deadline = NodeClock.now() + node.settings.requestTimeout
        node.loop.execute { [node] in
            node.whenApplied(minIndex, deadline: deadline) { result in
                reply(result.map { node.machine.withLockedValue { serve($0) } })
            }
        }
    }

    private func readLinearizably(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void,
                                  serve: @escaping @Sendable (KvStateMachine) -> ClientResponse) {
        let deadline = NodeClock.now() + node.settings.requestTimeout
        node.loop.execute { [node, forwarder] in
            node.route(deadline: deadline) { route in
                switch route {
                case .local:
                    node.linearizableRead(deadline: deadline) { result in
                        reply(result.map { node.machine.withLockedValue { serve($0) } })
                    }
                case .forward(let leader):
                    forwarder.forward(request, to: leader, deadline: Self.deadline(deadline), reply: reply)
                case .unavailable(let error):
                    reply(.failure(error))
                }
            }
        }
    }

    // MARK: Writes

    private func write(_ request: ClientRequest, _ command: KvCommand, _ options: WriteOptions,
                       reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        let session: ClientSession?
        do {
            session = try ClientSession(options)
        } catch {
            reply(.failure(error))
            return
        }
        let deadline = NodeClock.now() + node.settings.requestTimeout
        node.loop.execute { [node, forwarder] in
            node.route(deadline: deadline) { route in
                switch route {
                case .local: node.submitWrite(command, session: session, deadline: deadline, reply: reply)
                case .forward(let leader): forwarder.forward(request, to: leader, deadline: Self.deadline(deadline), reply: reply)
                case .unavailable(let error): reply(.failure(error))
                }
            }
        }
    }

    /// A session registration goes through the log like a write (Raft
    /// dissertation §6.3): on the leader, or forwarded to it by a follower.
    private func registerSession(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        let deadline = NodeClock.now() + node.settings.requestTimeout
        node.loop.execute { [node, forwarder] in
            node.route(deadline: deadline) { route in
                switch route {
                case .local: node.submitRegistration(deadline: deadline, reply: reply)
                case .forward(let leader): forwarder.forward(request, to: leader, deadline: Self.deadline(deadline), reply: reply)
                case .unavailable(let error): reply(.failure(error))
                }
            }
        }
    }

    private static func deadline(_ instant: Instant) -> NIODeadline {
        NIODeadline.uptimeNanoseconds(UInt64(max(0, instant)))
    }

    // MARK: Status

    /// The applied index, key count and digest all come from one copy of the
    /// state machine taken under its lock, so the digest is exactly the one at
    /// `applied_index`. The copy is copy-on-write (free unless an apply lands
    /// while the digest runs, which then copies the key table once, as a
    /// snapshot does), and the digest, a pass over the whole state, runs
    /// outside the lock, so it never holds up applies or local reads.
    func status() -> ReplicaStatus {
        let status = node.status
        let machine = node.machine.withLockedValue { $0 }
        let applied = machine.appliedIndex
        // The node publishes its status just after applying, so the published
        // indexes may trail the copy: whatever was applied is committed and in the log.
        return ReplicaStatus(
            replicaID: Int32(status.replicaID), role: Self.role(status), term: status.term,
            leaderID: status.leaderID.map(Int32.init), lastIndex: max(status.lastIndex, applied),
            commitIndex: max(status.commitIndex, applied), appliedIndex: applied,
            replicaCount: Int32(node.settings.endpoints.count),
            endpoints: node.settings.endpoints.map(\.description), keyCount: Int64(machine.keyCount),
            uptimeMilliseconds: millisecondsSince(started),
            version: rotorKVVersion,
            stateDigest: digest(of: machine), snapshotIndex: status.snapshotIndex, logStartIndex: status.logStartIndex,
            recoveryReason: status.recoveryReason, clusterID: status.clusterID == 0 ? nil : status.clusterID)
    }

    private func digest(of machine: KvStateMachine) -> UInt64 {
        if let cached = lastDigest.withLockedValue({ $0 }), cached.index == machine.appliedIndex { return cached.digest }
        let digest = machine.digest()
        lastDigest.withLockedValue { $0 = (machine.appliedIndex, digest) }
        return digest
    }

    private static func role(_ status: NodeStatus) -> ReplicaRole {
        switch status.role {
        case .leader: .leader
        case .follower: .follower
        case .electing: .electing
        case .recovering: .recovering
        }
    }
}
