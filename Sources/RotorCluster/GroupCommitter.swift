import Dispatch
import NIOCore
import RotorConsensus

/// Carries the core's persist requests to the disk on a thread of their own,
/// so a slow sync never stalls the event loop, and batches every request that
/// arrives while a sync runs into the next one (group commit): under load,
/// one fdatasync covers many writes.
///
/// Requests complete in order, as the core requires. Confined to `loop`.
final class GroupCommitter {
    private let disk: any ReplicaDisk
    private let loop: any EventLoop
    private let queue = DispatchQueue(label: "rotorkv.disk")
    private var waiting: [PersistRequest] = []
    private var writing = false
    private(set) var failure: (any Error)?
    /// Called on `loop` with the tokens made durable, in order.
    var onDurable: ([UInt64]) -> Void = { _ in }
    /// Called on `loop` once, when the disk fails; nothing completes after that.
    var onFailure: (any Error) -> Void = { _ in }

    init(disk: any ReplicaDisk, loop: any EventLoop) {
        self.disk = disk
        self.loop = loop
    }

    func submit(_ request: PersistRequest) {
        loop.preconditionInEventLoop()
        guard failure == nil else { return }
        waiting.append(request)
        if !writing { writeWaiting() }
    }

    private func writeWaiting() {
        let batch = waiting
        waiting = []
        writing = true
        let disk = self.disk
        let bound = NIOLoopBound(self, eventLoop: loop)
        let loop = self.loop
        queue.async {
            do {
                try disk.write(batch)
                loop.execute { bound.value.finished(batch.map(\.token)) }
            } catch {
                loop.execute { bound.value.failed(error) }
            }
        }
    }

    /// Blocks until the write under way, if any, has returned. Any thread but the disk's.
    func waitUntilIdle() {
        queue.sync {}
    }

    private func finished(_ tokens: [UInt64]) {
        writing = false
        onDurable(tokens)
        if !waiting.isEmpty && failure == nil { writeWaiting() }
    }

    private func failed(_ error: any Error) {
        writing = false
        failure = error
        waiting = []
        onFailure(error)
    }
}
