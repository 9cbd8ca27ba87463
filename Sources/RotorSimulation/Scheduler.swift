import HeapModule
import RotorConsensus

/// The virtual clock and the queue of everything that will happen. Events at
/// the same instant run in the order they were scheduled, so runs are
/// reproducible.
struct Scheduler {
    struct Scheduled: Comparable {
        var time: Int64
        var sequence: UInt64
        var event: SimulationEvent

        static func < (a: Scheduled, b: Scheduled) -> Bool {
            (a.time, a.sequence) < (b.time, b.sequence)
        }

        static func == (a: Scheduled, b: Scheduled) -> Bool {
            a.time == b.time && a.sequence == b.sequence
        }
    }

    private(set) var now: Int64 = 0
    private var queue = Heap<Scheduled>()
    private var sequence: UInt64 = 0

    mutating func schedule(_ event: SimulationEvent, at time: Int64) {
        sequence += 1
        queue.insert(Scheduled(time: max(time, now), sequence: sequence, event: event))
    }

    mutating func schedule(_ event: SimulationEvent, after delay: Int64) {
        schedule(event, at: now + delay)
    }

    /// The next event, advancing the clock to it; nil when nothing is left before `limit`.
    mutating func next(before limit: Int64) -> SimulationEvent? {
        guard let first = queue.min, first.time <= limit else {
            now = max(now, limit)
            return nil
        }
        _ = queue.removeMin()
        now = first.time
        return first.event
    }
}

/// Everything the scheduler can run.
enum SimulationEvent {
    case deliver(ConsensusEnvelope)
    case tick(replica: Int, incarnation: Int)
    case diskCompleted(replica: Int, incarnation: Int)
    /// A snapshot the replica's shell finished serializing in the background.
    case snapshotReady(replica: Int, incarnation: Int, snapshot: Snapshot)
    case clientRequestArrives(replica: Int, request: ClientCall)
    case clientReplyArrives(ClientReply)
    case clientWakes(client: Int)
    case fault(FaultAction)
}
