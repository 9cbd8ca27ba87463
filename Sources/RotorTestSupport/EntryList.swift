/// The history of one key as a time-ordered, doubly-linked list of call and return events
/// (Wing & Gong, as in Porcupine).
///
/// Linearizing an operation *lifts* its call and return out of the list; backtracking *unlifts*
/// them back in O(1) (dancing links: a removed node keeps its neighbours). The operations that
/// may go next are exactly the calls before the first return still in the list: an operation
/// whose return comes first must be linearized before anything invoked after it returned.
///
/// The search keeps operations with an unknown outcome in a list of their own, of calls only:
/// they may take effect any time after their invocation, never block anything, and are only
/// candidates when some definite operation needs them.
struct EntryList {
    /// Sentinels. Real entries are `0..<head`.
    let head: Int32
    let tail: Int32
    private(set) var next: [Int32]
    private(set) var previous: [Int32]
    /// The operation each entry belongs to.
    let operation: [Int32]
    /// The return entry of each call, or -1 (returns, unknown-outcome calls, sentinels).
    let returnEntry: [Int32]
    let isCall: [Bool]
    /// The time of each entry (invocation or return).
    let time: [Int64]

    /// `returns[i]` nil: operation `i` has no return (unknown outcome).
    init(invocations: [Int64], returns: [Int64?]) {
        struct Event {
            var time: Int64
            var isCall: Bool
            var operation: Int32
        }
        var events: [Event] = []
        events.reserveCapacity(invocations.count * 2)
        for index in invocations.indices {
            events.append(Event(time: invocations[index], isCall: true, operation: Int32(index)))
            if let returned = returns[index] {
                events.append(Event(time: returned, isCall: false, operation: Int32(index)))
            }
        }
        // At equal times calls sort before returns, so touching intervals count as concurrent:
        // a tie can never manufacture a violation.
        events.sort { lhs, rhs in
            if lhs.time != rhs.time { return lhs.time < rhs.time }
            if lhs.isCall != rhs.isCall { return lhs.isCall }
            return lhs.operation < rhs.operation
        }

        let count = events.count
        head = Int32(count)
        tail = Int32(count + 1)
        var operation = [Int32](repeating: -1, count: count + 2)
        var isCall = [Bool](repeating: false, count: count + 2)
        var returnEntry = [Int32](repeating: -1, count: count + 2)
        var time = [Int64](repeating: .max, count: count + 2)
        var callOf = [Int32](repeating: -1, count: invocations.count)
        for (position, event) in events.enumerated() {
            operation[position] = event.operation
            isCall[position] = event.isCall
            time[position] = event.time
            if event.isCall {
                callOf[Int(event.operation)] = Int32(position)
            } else {
                returnEntry[Int(callOf[Int(event.operation)])] = Int32(position)
            }
        }
        self.operation = operation
        self.isCall = isCall
        self.returnEntry = returnEntry
        self.time = time

        next = [Int32](repeating: -1, count: count + 2)
        previous = [Int32](repeating: -1, count: count + 2)
        var last = head
        for position in 0..<Int32(count) {
            next[Int(last)] = position
            previous[Int(position)] = last
            last = position
        }
        next[Int(last)] = tail
        previous[Int(tail)] = last
    }

    var first: Int32 { next[Int(head)] }

    var isEmpty: Bool { first == tail }

    /// Removes a call and its return (if any).
    @inline(__always) mutating func lift(_ call: Int32) {
        unlink(call)
        let returned = returnEntry[Int(call)]
        if returned >= 0 { unlink(returned) }
    }

    /// Undoes the most recent `lift` that has not been undone; must be `call`.
    @inline(__always) mutating func unlift(_ call: Int32) {
        let returned = returnEntry[Int(call)]
        if returned >= 0 { relink(returned) }
        relink(call)
    }

    @inline(__always) private mutating func unlink(_ entry: Int32) {
        let before = previous[Int(entry)], after = next[Int(entry)]
        next[Int(before)] = after
        previous[Int(after)] = before
    }

    @inline(__always) private mutating func relink(_ entry: Int32) {
        next[Int(previous[Int(entry)])] = entry
        previous[Int(next[Int(entry)])] = entry
    }
}
