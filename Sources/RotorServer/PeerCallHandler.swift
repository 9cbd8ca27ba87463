import RotorModel
import RotorWire

/// Serves consensus RPCs that passed authentication (a valid `auth_proof`
/// when the replica has a cluster secret). Same threading contract as
/// `RequestHandler`: called on the connection's event loop, never waited for;
/// exactly one reply per call, possibly later and from any thread. Replies go
/// back in call order, interleaved with client replies on the same connection.
///
/// A success must answer the call's method (`PeerReply.answers`); a reply of
/// the wrong kind is logged and sent as INTERNAL.
public protocol PeerCallHandler: Sendable {
    func handle(_ call: PeerCall, reply: @escaping @Sendable (Result<PeerReply, KVError>) -> Void)

    /// Installs the test-only partition rule of an `injectFault` call, replacing
    /// the previous one (`FaultRule.healed` heals). Called only once the server
    /// admitted the call: the replica allows fault injection and the proof of the
    /// cluster secret verified. The handler checks the rule against the cluster
    /// (INVALID_ARGUMENT for an id that is not another replica). Same threading
    /// contract as `handle`.
    func injectFault(_ rule: FaultRule, reply: @escaping @Sendable (Result<Void, KVError>) -> Void)
}
