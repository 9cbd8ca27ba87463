/// A replica's position in the cluster, 0..<replicaCount.
public typealias ReplicaID = Int
/// A term, VR's "view number". The leader of term t is replica t mod n.
public typealias Term = Int64
/// A position in the replicated log, starting at 1 (0 means "before the first entry").
public typealias LogIndex = Int64

/// A cluster's identity, fixed when it is bootstrapped and kept in every
/// replica's metadata: a replica refuses consensus messages stamped with
/// another one. 0 means "not known yet" (a replica that has not yet learned
/// the id of the cluster it bootstrapped or is recovering into).
public typealias ClusterID = UInt64

/// Monotonic time in nanoseconds, passed into the core with every event:
/// the core never reads a clock.
public typealias Instant = Int64

/// An opaque handle the shell gives with a client request and gets back with
/// its outcome. The core never interprets it.
public struct ClientToken: Sendable, Hashable, CustomStringConvertible {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public var description: String { "#\(value)" }
}

/// The leader of `term` in a cluster of `replicaCount`: the rotation rule.
@inlinable
public func leader(of term: Term, replicaCount: Int) -> ReplicaID {
    precondition(term >= 0 && replicaCount > 0, "terms are non-negative and clusters non-empty")
    return ReplicaID(term % Term(replicaCount))
}
