import RotorModel

/// Why one key's history is not linearizable, in terms a developer can act on.
///
/// Most violations come with a direct proof: a read (or compare-and-set, or delete) that needs a
/// value the register certainly no longer held, because a definite overwrite falls, in real
/// time, between the last operation that could have written it and the read. Those are reported
/// as stuck operations with that reason and no prefix.
///
/// Otherwise a search failure has no single culprit, so the report says what the search got
/// furthest with: the longest order of operations it could justify, the register's value at that
/// point, and the operations pending there, none of which could go next (each with the reason).
public struct LinearizabilityViolation: Sendable, Equatable, CustomStringConvertible {
    /// An operation that cannot be linearized, and why.
    public struct StuckOperation: Sendable, Equatable {
        public var operation: HistoryOperation
        /// For example `read saw "1" but the register holds "2"`.
        public var reason: String

        public init(operation: HistoryOperation, reason: String) {
            self.operation = operation
            self.reason = reason
        }
    }

    /// The longest linearizable prefix the search found.
    public struct Prefix: Sendable, Equatable {
        /// Operations in the prefix (unknown-outcome operations included when the prefix assumes
        /// they took effect).
        public var count: Int
        /// Its last few operations, in linearization order.
        public var tail: [HistoryOperation]
        /// The register's value after it; nil when absent.
        public var valueAfter: Bytes?

        public init(count: Int, tail: [HistoryOperation], valueAfter: Bytes?) {
            self.count = count
            self.tail = tail
            self.valueAfter = valueAfter
        }
    }

    /// The key whose operations cannot be linearized.
    public var key: Bytes
    /// Operations checked for this key: all of them except failed ones and unknown reads.
    public var operationCount: Int
    /// The operations that could not be placed, most telling first. After a search, the pending
    /// operations at the end of `prefix`.
    public var stuck: [StuckOperation]
    /// How many more were left out of `stuck` to keep the report short.
    public var moreStuckCount: Int
    /// nil when the violation was proven without searching.
    public var prefix: Prefix?

    public init(key: Bytes, operationCount: Int, stuck: [StuckOperation], moreStuckCount: Int = 0, prefix: Prefix?) {
        self.key = key
        self.operationCount = operationCount
        self.stuck = stuck
        self.moreStuckCount = moreStuckCount
        self.prefix = prefix
    }

    public var description: String {
        var lines: [String] = []
        lines.append("not linearizable: key \(Rendering.value(key)), \(operationCount) operations")
        if let prefix {
            let omitted = prefix.count - prefix.tail.count
            if prefix.count == 0 {
                lines.append("  no operation can be linearized first; the register starts as \(Rendering.value(prefix.valueAfter))")
            } else {
                lines.append("  longest linearizable prefix: \(prefix.count) operations" + (omitted > 0 ? ", ending with:" : ":"))
                if omitted > 0 { lines.append("    … \(omitted) earlier") }
                for operation in prefix.tail { lines.append("    \(operation)") }
                lines.append("  after which the register holds \(Rendering.value(prefix.valueAfter))")
            }
            lines.append("  none of the pending operations can be linearized next:")
        } else {
            lines.append("  no order of the operations can satisfy:")
        }
        for entry in stuck {
            lines.append("    \(entry.operation)")
            lines.append("      → \(entry.reason)")
        }
        if moreStuckCount > 0 { lines.append("    … and \(moreStuckCount) more") }
        return lines.joined(separator: "\n")
    }
}
