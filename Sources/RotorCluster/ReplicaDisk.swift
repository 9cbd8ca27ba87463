import NIOConcurrencyHelpers
import RotorConsensus

/// Where a replica's persist requests go. `write` runs on the node's disk
/// thread only, one batch at a time; it returns once the whole batch is
/// durable (the core acknowledges nothing before that) or throws, after which
/// the replica stops acknowledging.
public protocol ReplicaDisk: AnyObject, Sendable {
    func write(_ batch: [PersistRequest]) throws
}

/// A disk that keeps everything in memory: for in-process tests that restart
/// a replica with the state it had "persisted".
public final class MemoryDisk: ReplicaDisk {
    private let state: NIOLockedValueBox<DurableState>

    public init(_ initial: DurableState = .initial) {
        state = NIOLockedValueBox(initial)
    }

    public func write(_ batch: [PersistRequest]) throws {
        state.withLockedValue { stored in
            for request in batch { request.apply(to: &stored) }
        }
    }

    /// What a restarted replica would find.
    public var durableState: DurableState { state.withLockedValue { $0 } }
}
