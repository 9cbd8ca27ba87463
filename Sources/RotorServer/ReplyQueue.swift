import DequeModule
import NIOCore

/// Replies owed on one connection, in request order. Requests may complete
/// out of order (a read answers at once, an earlier write waits for
/// replication); a reply leaves only when everything before it has left,
/// because Thrift clients match replies to calls by order.
struct ReplyQueue {
    private var slots: Deque<ByteBuffer?> = []
    /// The ticket of `slots.first`.
    private var headTicket: UInt64 = 0

    var count: Int { slots.count }
    var isEmpty: Bool { slots.isEmpty }

    /// Reserves the next place in line.
    mutating func reserve() -> UInt64 {
        slots.append(nil)
        return headTicket + UInt64(slots.count - 1)
    }

    /// Whether `ticket` is first in line: its reply can be written straight out.
    func isHead(_ ticket: UInt64) -> Bool { ticket == headTicket }

    mutating func fill(_ ticket: UInt64, with reply: ByteBuffer) {
        let offset = Int(ticket - headTicket)
        precondition(offset >= 0 && offset < slots.count && slots[offset] == nil, "reply ticket \(ticket) filled twice or never reserved")
        slots[offset] = reply
    }

    /// Releases the head ticket whose reply was written directly.
    mutating func releaseHead() {
        precondition(slots.first.map { $0 == nil } ?? false, "releasing a head that holds a buffered reply")
        slots.removeFirst()
        headTicket += 1
    }

    /// Moves every ready reply at the front of the line into `output`.
    mutating func drainReady(into output: inout ByteBuffer) {
        while let first = slots.first, var reply = first {
            output.writeBuffer(&reply)
            slots.removeFirst()
            headTicket += 1
        }
    }
}
