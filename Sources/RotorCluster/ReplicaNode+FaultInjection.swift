import RotorConsensus
import RotorModel
import RotorWire

/// The test-only partition of `injectFault` (see `FaultRule`), applied where
/// consensus messages cross this replica's edge, so the core sees exactly what
/// a lossy network would show it:
///
/// - outbound: a message to a peer in `dropTo` is dropped before
///   `PeerTransport` (the core resends later); an answer that travels as the
///   Thrift reply of a peer's call (`appendResponse`, `commitAck`) becomes an
///   UNAVAILABLE error instead, so the caller learns nothing from it;
/// - inbound: a call from a peer in `dropFrom` is answered UNAVAILABLE and
///   never reaches the core, and so is the reply to one of our calls.
///
/// Client traffic, and a follower's forwarding of client writes to the leader
/// (`LeaderForwarder`, a client connection), are not affected: the rule
/// partitions the consensus protocol, not the replica's port.
extension ReplicaNode {
    /// Replaces the rule (`FaultRule.healed` heals). Refuses, with
    /// INVALID_ARGUMENT and the rule unchanged, one that names a replica
    /// outside the cluster or this replica itself.
    func injectFault(_ rule: FaultRule, reply: @Sendable (Result<Void, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        if let problem = problem(with: rule) {
            reply(.failure(.invalidArgument("injectFault: \(problem)")))
            return
        }
        faultRule = rule
        logger.warning("fault injection: \(rule)")
        reply(.success(()))
    }

    private func problem(with rule: FaultRule) -> String? {
        let replicas = settings.endpoints.indices
        if let stranger = rule.namedReplicas.sorted().first(where: { !replicas.contains($0) }) {
            return "replica \(stranger) is not in this \(replicas.count)-replica cluster (ids 0...\(replicas.count - 1))"
        }
        if rule.namedReplicas.contains(replicaID) {
            return "the rule names replica \(replicaID) itself, which sends itself no consensus traffic"
        }
        return nil
    }

    /// Why a consensus call from `sender` is refused under the rule, or nil.
    func faultRefusal(from sender: ReplicaID) -> KVError? {
        guard faultRule.dropsInbound(from: sender) else { return nil }
        return .unavailable("replica \(replicaID) cannot hear replica \(sender) (fault injection)")
    }

    /// The answer to a call from `peer`, or UNAVAILABLE in its place when answers to `peer` are dropped.
    func outboundAnswer(_ answer: PeerReply, to peer: ReplicaID) -> Result<PeerReply, KVError> {
        guard faultRule.dropsOutbound(to: peer) else { return .success(answer) }
        return .failure(.unavailable("replica \(replicaID) cannot reach replica \(peer) (fault injection)"))
    }
}
