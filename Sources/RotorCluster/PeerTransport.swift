import Logging
import NIOCore
import RotorConsensus
import RotorModel
import RotorWire

/// The replica's outbound side of the consensus RPCs: one `PeerLink` per
/// peer, all on the node's event loop. Answers (`appendResponse`,
/// `commitAck`) never come here: they are the Thrift replies of the calls
/// they answer (see `InboundPeerCalls`).
final class PeerTransport {
    private var links: [ReplicaID: PeerLink] = [:]

    init(selfID: ReplicaID, endpoints: [Endpoint], loop: any EventLoop, settings: PeerLinkSettings, authenticator: ClusterAuthenticator,
         logger: Logger, deliver: @escaping (ConsensusMessage, ReplicaID) -> Void) {
        for (peer, endpoint) in endpoints.enumerated() where peer != selfID {
            links[peer] = PeerLink(peer: peer, endpoint: endpoint, loop: loop, settings: settings, authenticator: authenticator,
                                   logger: logger, deliver: deliver)
        }
    }

    /// Sends one consensus message as its RPC; nothing waits for it.
    func send(_ message: ConsensusMessage, to peer: ReplicaID, now: Instant) {
        guard let link = links[peer], let call = Self.call(for: message) else {
            preconditionFailure("cannot send \(message) to replica \(peer) as a call")
        }
        link.send(call, now: now)
    }

    func flush() {
        for link in links.values { link.flush() }
    }

    func tick(now: Instant) {
        for link in links.values { link.tick(now: now) }
    }

    func close() {
        for link in links.values { link.close() }
    }

    static func call(for message: ConsensusMessage) -> PeerCall? {
        switch message {
        case .appendEntries(let m): .appendEntry(m)
        case .commitNotification(let m): .commitNotification(m)
        case .startViewChange(let m): .startViewChange(m)
        case .doViewChange(let m): .doViewChange(m)
        case .logRequest(let m): .requestLog(m)
        case .installSnapshot(let m): .installSnapshot(m)
        case .snapshotAck(let m): .snapshotAck(m)
        case .recoveryRequest(let m): .recover(m)
        case .recoveryResponse(let m): .recoveryResponse(m)
        case .appendResponse, .commitAck: nil
        }
    }
}
