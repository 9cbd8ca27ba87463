import RotorModel
import RotorWire

/// Who may partition a replica with the test-only `injectFault`: only a caller
/// that proves the cluster secret, and only on a replica started with
/// `[testing] allow_fault_injection = true`. Both, because the RPC takes a
/// replica out of its cluster on demand: the flag keeps it out of production,
/// the secret keeps strangers out of a test cluster.
extension ConnectionSecurity {
    /// Why `injectFault` of `rule` with `proof` is refused (UNAUTHORIZED), or nil when it is admitted.
    func faultInjectionRefusal(_ rule: FaultRule, proof: [UInt8]?) -> KVError? {
        guard allowsFaultInjection else {
            return KVError(.unauthorized, "injectFault refused: this replica was not started with [testing] allow_fault_injection = true")
        }
        guard let authenticator else {
            return KVError(.unauthorized, "injectFault refused: this replica has no security.cluster_secret for the caller to prove")
        }
        guard authenticator.verify(rule, proof: proof) else {
            return KVError(.unauthorized, "injectFault refused: missing or invalid cluster proof; is the caller using this cluster's cluster_secret?")
        }
        return nil
    }
}
