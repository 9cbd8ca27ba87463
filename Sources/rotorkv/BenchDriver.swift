import Histogram
import NIOCore
import RotorClient
import RotorModel

/// Latencies and counts of one connection (or of all of them, merged).
struct BenchStats: Sendable {
    var reads = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var writes = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var errors: [ErrorCode: Int] = [:]

    var operations: UInt64 { reads.totalCount + writes.totalCount }
    var errorCount: Int { errors.values.reduce(0, +) }

    var all: Histogram<UInt64> {
        var merged = reads
        merged.add(writes)
        return merged
    }

    mutating func add(_ other: BenchStats) {
        reads.add(other.reads)
        writes.add(other.writes)
        errors.merge(other.errors, uniquingKeysWith: +)
    }
}

/// Drives one connection as a closed loop: `depth` calls always outstanding,
/// each completion immediately issuing the next. It lives on the
/// connection's event loop: no locks, no task hops, and all calls issued in
/// one event-loop tick leave in one flush.
final class BenchDriver {
    enum Phase { case warmup, measure, drain }

    let connection: ClientConnection
    private let workload: BenchWorkload
    private let depth: Int
    private var random: SplitMix64
    private var value: Bytes
    private var phase = Phase.warmup
    private var outstanding = 0
    private var flushScheduled = false
    private var total = BenchStats()
    private var interval = BenchStats()
    private var drained: EventLoopPromise<Void>?

    init(connection: ClientConnection, workload: BenchWorkload, depth: Int, seed: UInt64) {
        self.connection = connection
        self.workload = workload
        self.depth = depth
        self.random = SplitMix64(seed: seed)
        self.value = Bytes(repeating: UInt8(ascii: "v"), count: workload.valueSize)
    }

    func start() {
        for _ in 0..<depth { issue() }
    }

    func measure() {
        phase = .measure
        interval = BenchStats()
    }

    /// Stops issuing; the future completes when every outstanding call has returned.
    func drain() -> EventLoopFuture<Void> {
        phase = .drain
        let promise = connection.eventLoop.makePromise(of: Void.self)
        if outstanding == 0 { promise.succeed() } else { drained = promise }
        return promise.futureResult
    }

    func takeInterval() -> BenchStats {
        defer { interval = BenchStats() }
        return interval
    }

    var totals: BenchStats { total }

    private func issue() {
        guard phase != .drain else { return }
        let (request, isRead) = workload.nextRequest(&random, value: &value)
        let started = NIODeadline.now()
        outstanding += 1
        let bound = NIOLoopBound(self, eventLoop: connection.eventLoop)
        connection.sendWithoutFlush(request).whenComplete { result in
            bound.value.completed(result, isRead: isRead, started: started)
        }
        scheduleFlush()
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: connection.eventLoop)
        connection.eventLoop.execute {
            bound.value.flushScheduled = false
            bound.value.connection.flush()
        }
    }

    private func completed(_ result: Result<ClientResponse, any Error>, isRead: Bool, started: NIODeadline) {
        outstanding -= 1
        let nanos = UInt64(max(0, (NIODeadline.now() - started).nanoseconds))
        if phase == .measure { record(result, isRead: isRead, nanos: nanos) }
        if phase == .drain {
            if outstanding == 0 { drained?.succeed() }
            return
        }
        if case .failure(let error) = result, (error as? KVError)?.code == .unavailable, !connection.isActive {
            return  // the connection is gone; this slot stops
        }
        issue()
    }

    private func record(_ result: Result<ClientResponse, any Error>, isRead: Bool, nanos: UInt64) {
        switch result {
        case .success:
            if isRead {
                _ = total.reads.record(nanos)
                _ = interval.reads.record(nanos)
            } else {
                _ = total.writes.record(nanos)
                _ = interval.writes.record(nanos)
            }
        case .failure(let error):
            let code = (error as? KVError)?.code ?? .internalError
            total.errors[code, default: 0] += 1
            interval.errors[code, default: 0] += 1
        }
    }
}
