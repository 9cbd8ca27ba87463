/// How a replica whose disk is empty treats that emptiness: the operator's
/// word, with etcd's meaning of `initial-cluster-state`.
public enum InitialClusterState: String, Sendable, CaseIterable {
    /// Decide from the peers: a new cluster only when every replica's disk is empty.
    case auto
    /// This replica is one of a new cluster's replicas, starting for the first
    /// time: its empty disk has never held state, so it has promised nothing,
    /// ever. A majority of such replicas may start the cluster without waiting
    /// for the rest. Never leave it set once the replica has run: if its disk
    /// is later lost, a restart with it can lose acknowledged writes.
    case new
    /// This replica joins a cluster that exists (for example after losing its
    /// disk): it never starts a new cluster, only recovers from members.
    case existing
}

/// VR's recovery rule for a replica whose disk came up empty
/// (Viewstamped Replication Revisited §4.3), extended to the question VR
/// leaves to the operator: is the empty disk a new cluster or a lost one?
///
/// A replica that lost its disk may have acknowledged entries and joined
/// terms it no longer remembers, so it must not vote, propose, lead or count
/// toward a commit or a read until it holds again everything it could have
/// promised.
///
/// 1. Discovering: it asks every peer (`RecoveryRequest`) and handles nothing
///    else. The answers sort the replicas into members (they hold state and
///    report their term and cluster id), `new` (an empty disk the operator
///    declared never used: it promised nothing, ever) and unknown (an empty
///    or recovering disk, or no answer, itself included unless declared new).
///    - Some member answered: the cluster exists. It may rely on the highest
///      term among the members only if every term that ever started is
///      visible in it: every majority that avoids the `new` replicas must
///      contain an answering member, that is members + new > n − majority.
///      Until then it waits (unavailable, never wrong). Members that
///      disagree on the cluster id stop it: it waits, and says so.
///    - No member, and every replica of the cluster answered with an empty
///      disk (itself included): nothing is held anywhere, so the cluster is new.
///    - No member, and a majority (itself included) declared new: no term can
///      ever have started, so nothing was ever committed: the cluster is new.
///    A replica declared `existing` never starts a new cluster.
/// 2. Joining: a replica that promised nothing (`promisedNothing`) joins the highest term as an ordinary
///    replica with an empty log (it promised nothing). Any other catches up:
///    it joins that term without a vote and takes entries and snapshots from
///    leaders like any follower, but its acknowledgements are marked and
///    leaders count them toward no commit, read or check-quorum.
/// 3. It is caught up once it is in step (normal status) with the leader of
///    a term later than the one it recovered into. Such a term started
///    without it, since it never voted; a term it might have voted for
///    before the loss, and that could still start with that old vote, is no
///    later than the one it recovered into. A leader that sees a recovering
///    follower in step moves to such a term at once (`abdicate`).
struct Recovery: Sendable {
    let nonce: UInt64
    /// Only a replica whose disk held nothing may conclude the cluster is new.
    let diskWasEmpty: Bool
    /// The operator's word about this empty disk.
    let initialState: InitialClusterState
    var answers: [ReplicaID: RecoveryResponse] = [:]
    /// A member founded the cluster counting this very incarnation as an empty disk.
    var countedEmptyAtFounding = false
    /// Set once the answers allowed joining: the highest term they reported.
    var term: Term?
    var nextRequestAt: Instant

    init(nonce: UInt64, diskWasEmpty: Bool, initialState: InitialClusterState, now: Instant) {
        self.nonce = nonce
        self.diskWasEmpty = diskWasEmpty
        self.initialState = initialState
        self.nextRequestAt = now
    }

    var isDiscovering: Bool { term == nil }
    /// An empty disk the operator declared never used.
    var isDeclaredNew: Bool { diskWasEmpty && initialState == .new }

    /// Whether this replica has promised nothing, ever: declared new, or
    /// counted as an empty disk by a member when it founded the cluster, in
    /// this very incarnation, which has persisted nothing since (it is still
    /// discovering). The latter settles the race of a cluster's first start,
    /// where the last replica to decide finds the others already members.
    var promisedNothing: Bool { isDeclaredNew || (diskWasEmpty && countedEmptyAtFounding) }
}

/// What a discovering replica concluded from the answers so far.
enum RecoveryDecision: Equatable {
    /// Nothing is held anywhere: start the cluster.
    case newCluster
    /// The cluster exists; join `term` of cluster `clusterID` (0 if no member knows it yet).
    case join(term: Term, clusterID: ClusterID)
    /// Not enough is known to decide safely; `reason` says what is missing.
    case wait(reason: String)
}

/// The snapshot a follower is receiving from the leader, chunk by chunk.
/// It lives in memory only: a crash restarts the transfer from offset 0.
struct IncomingSnapshot: Sendable {
    let index: LogIndex
    let term: Term
    let totalBytes: Int
    var data: [UInt8] = []

    init(index: LogIndex, term: Term, totalBytes: Int) {
        self.index = index
        self.term = term
        self.totalBytes = totalBytes
        // totalBytes comes off the wire: reserve a bounded amount and let the rest grow.
        data.reserveCapacity(min(max(0, totalBytes), 64 << 20))
    }

    func isFor(_ message: InstallSnapshot) -> Bool {
        message.snapshotIndex == index && message.snapshotTerm == term && message.totalBytes == totalBytes
    }

    var isComplete: Bool { data.count == totalBytes }
}
