import RotorConsensus

/// A test-only network partition of one replica, as the IDL's `injectFault`
/// carries it: the torture tool partitions a real cluster with it where it
/// cannot use network namespaces.
///
/// The replica that holds the rule drops every consensus message it would send
/// to a replica in `dropTo`, and refuses every consensus call (and reply)
/// arriving from a replica in `dropFrom`, as if that replica were unreachable.
/// A symmetric partition of replica 0 from {1, 2} is the rule
/// `dropTo: [1, 2], dropFrom: [1, 2]` on replica 0 and `dropTo: [0], dropFrom: [0]`
/// on replicas 1 and 2; a one-way partition sets one direction only.
///
/// Sets, because order and repetition mean nothing here; on the wire and in
/// the proof (`ClusterAuthenticator.proof(for:)`) they travel sorted.
public struct FaultRule: Sendable, Hashable, CustomStringConvertible {
    /// Replicas this replica sends no consensus messages to.
    public var dropTo: Set<ReplicaID>
    /// Replicas whose consensus calls and replies this replica refuses.
    public var dropFrom: Set<ReplicaID>

    public init(dropTo: [ReplicaID] = [], dropFrom: [ReplicaID] = []) {
        self.dropTo = Set(dropTo)
        self.dropFrom = Set(dropFrom)
    }

    /// The rule that drops nothing: installing it heals the partition.
    public static let healed = FaultRule()

    public var isHealed: Bool { dropTo.isEmpty && dropFrom.isEmpty }

    /// Whether a consensus message to `peer` is lost on the way.
    public func dropsOutbound(to peer: ReplicaID) -> Bool { dropTo.contains(peer) }

    /// Whether a consensus call or reply from `peer` is refused.
    public func dropsInbound(from peer: ReplicaID) -> Bool { dropFrom.contains(peer) }

    /// Every replica the rule names, in either direction.
    public var namedReplicas: Set<ReplicaID> { dropTo.union(dropFrom) }

    /// "dropping consensus traffic to [1, 2] and from [1, 2]", or "no consensus traffic dropped" when healed.
    public var description: String {
        if isHealed { return "no consensus traffic dropped" }
        let parts = [dropTo.isEmpty ? nil : "to \(dropTo.sorted())", dropFrom.isEmpty ? nil : "from \(dropFrom.sorted())"]
        return "dropping consensus traffic " + parts.compactMap { $0 }.joined(separator: " and ")
    }

    /// Why this rule cannot travel the wire (an id that is negative or beyond
    /// the wire's i32), or nil. Whether the ids are replicas of the cluster is
    /// for the receiving replica to judge: only it knows the cluster's size.
    public var validationProblem: String? {
        for (name, ids) in [("drop_to", dropTo), ("drop_from", dropFrom)] {
            if let bad = ids.sorted().first(where: { $0 < 0 || $0 > Int(Int32.max) }) {
                return "\(name) holds \(bad), which is not a replica id"
            }
        }
        return nil
    }
}
