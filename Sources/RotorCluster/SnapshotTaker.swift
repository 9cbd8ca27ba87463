import Dispatch
import NIOCore
import RotorConsensus
import RotorStateMachine

/// Decides when a replica snapshots its state machine, and serializes the
/// snapshot off the event loop.
///
/// The state machine is a value: the loop hands over a copy (copy-on-write,
/// so taking it costs nothing until the live one next changes) and keeps
/// applying while a utility thread compresses the copy. The core hears of the
/// result with `.snapshotTaken`, stores it, and compacts the log it covers.
/// Confined to the node's loop, except the serialization itself.
struct SnapshotTaker {
    private let everyEntries: Int
    private let everyBytes: Int
    private let queue = DispatchQueue(label: "rotorkv.snapshot", qos: .utility)
    private var lastIndex: LogIndex
    private var bytesSince = 0
    private(set) var inProgress = false

    init(everyEntries: Int, everyBytes: Int, startingAt index: LogIndex) {
        self.everyEntries = everyEntries
        self.everyBytes = everyBytes
        self.lastIndex = index
    }

    /// Counts the command bytes of an applied entry toward `everyBytes`.
    mutating func applied(bytes: Int) { bytesSince += bytes }

    /// The state machine was replaced by a snapshot through `index`.
    mutating func restored(at index: LogIndex) {
        lastIndex = index
        bytesSince = 0
    }

    func isDue(appliedIndex: LogIndex) -> Bool {
        !inProgress && appliedIndex > lastIndex
            && (appliedIndex - lastIndex >= LogIndex(everyEntries) || bytesSince >= everyBytes)
    }

    /// Serializes `machine` as of its applied index (whose entry has `term`)
    /// on the snapshot thread, then calls `done` on `loop` with the snapshot
    /// and how long serializing took. Call `finished()` from `done`.
    mutating func take(_ machine: KvStateMachine, term: Term, loop: any EventLoop,
                       done: @escaping @Sendable (Snapshot, Duration) -> Void) {
        inProgress = true
        lastIndex = machine.appliedIndex
        bytesSince = 0
        queue.async {
            let started = ContinuousClock.now
            let snapshot = Snapshot(index: machine.appliedIndex, term: term, data: machine.snapshot())
            let elapsed = ContinuousClock.now - started
            loop.execute { done(snapshot, elapsed) }
        }
    }

    mutating func finished() { inProgress = false }
}
