/// VR's recovery rule for a replica whose disk came up empty.
///
/// An empty disk is either a new cluster or a lost data directory. A replica
/// that lost its directory may have acknowledged entries and joined terms it
/// no longer remembers, so it must not vote, propose, lead or count toward a
/// commit until it holds again everything it could have promised.
///
/// 1. Discovering: it asks every peer (`RecoveryRequest`) and handles nothing
///    else. If a majority of the cluster, itself included, is fresh and no
///    peer holds state, the cluster is new. Once a majority of the cluster
///    answers as members, it knows the cluster exists: any term that started
///    had a majority join it, so the highest term among those answers is at
///    least every term that ever started.
/// 2. Catching up: it joins that term without a vote and takes entries and
///    snapshots from leaders like any follower. It is caught up once it is in
///    step with a leader of a later term (that leader started without it), or
///    with the leader of that very term once its log reaches what that leader
///    held when it answered (which bounds everything it could have
///    acknowledged before the loss).
struct Recovery: Sendable {
    let nonce: UInt64
    /// Only a replica whose disk held nothing may conclude the cluster is new.
    let diskWasEmpty: Bool
    var answers: [ReplicaID: RecoveryResponse] = [:]
    /// Set once a majority answered: the highest term they reported.
    var term: Term?
    /// The last index the leader of `term` reported while serving, if it answered.
    var leaderLastIndex: LogIndex?
    var nextRequestAt: Instant

    init(nonce: UInt64, diskWasEmpty: Bool, now: Instant) {
        self.nonce = nonce
        self.diskWasEmpty = diskWasEmpty
        self.nextRequestAt = now
    }

    var isDiscovering: Bool { term == nil }
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
