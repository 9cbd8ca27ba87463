import DequeModule
import RotorConsensus

/// A replica's disk: persist requests complete in order after a latency, and
/// a crash loses every request that had not completed (unsynced writes).
struct SimulatedDisk {
    private(set) var durable: DurableState
    private var queue: Deque<(request: PersistRequest, completesAt: Int64)> = []

    init(_ durable: DurableState = .initial) {
        self.durable = durable
    }

    /// Queues a request; returns when it will complete (never before the ones ahead of it).
    mutating func submit(_ request: PersistRequest, now: Int64, latency: Int64) -> Int64 {
        let completesAt = max(now + latency, queue.last?.completesAt ?? now)
        queue.append((request, completesAt))
        return completesAt
    }

    /// Completes the oldest request: it is now durable.
    mutating func completeNext() -> PersistRequest {
        let (request, _) = queue.removeFirst()
        request.apply(to: &durable)
        return request
    }

    mutating func crash() {
        queue.removeAll()
    }

    /// Wipes everything: the replica lost its data directory.
    mutating func wipe() {
        queue.removeAll()
        durable = .initial
    }
}
