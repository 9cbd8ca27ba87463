import Logging
import RotorConsensus

/// Notices when a follower is far behind its leader and when it has caught
/// up, so the logs tell an operator why a replica is not serving fresh data.
struct CatchUpTracker {
    /// Behind by more than this many entries counts as catching up.
    static let threshold: LogIndex = 1000
    private var started: (at: ContinuousClock.Instant, from: LogIndex)?

    mutating func observe(leader: ReplicaID, leaderCommit: LogIndex, lastIndex: LogIndex, logger: Logger) {
        let behind = leaderCommit - lastIndex
        if started == nil, behind > Self.threshold {
            started = (ContinuousClock.now, lastIndex)
            logger.notice("catching up with leader \(leader): \(behind) committed entries behind")
        } else if let begun = started, behind <= 0 {
            started = nil
            let elapsed = ContinuousClock.now - begun.at
            logger.notice("caught up with leader \(leader) at index \(lastIndex): \(lastIndex - begun.from) entries in \(elapsed)")
        }
    }
}
