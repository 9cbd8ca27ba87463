import RotorConsensus

/// What the store remembers of each segment file, to know which ones a
/// snapshot makes deletable without reading them again: rebuilt from replay
/// on open, extended by every append.
struct SegmentSpan: Equatable {
    let path: String
    let firstSequence: Int64
    /// The lowest and highest index of the entries recorded in the segment,
    /// `nil` if it holds none (only truncations and snapshot marks, or nothing).
    /// The highest counts even if a later truncation dropped that entry: the
    /// segment still holds its bytes.
    private(set) var entryIndices: ClosedRange<LogIndex>?

    init(path: String, firstSequence: Int64, entryIndices: ClosedRange<LogIndex>? = nil) {
        self.path = path
        self.firstSequence = firstSequence
        self.entryIndices = entryIndices
    }

    mutating func include(_ indices: ClosedRange<LogIndex>?) {
        guard let indices else { return }
        guard let current = entryIndices else {
            entryIndices = indices
            return
        }
        entryIndices = min(current.lowerBound, indices.lowerBound)...max(current.upperBound, indices.upperBound)
    }

    /// Whether every entry in the segment is at or below `index`, so a
    /// snapshot through `index` makes the whole file unnecessary.
    func isCovered(through index: LogIndex) -> Bool {
        (entryIndices?.upperBound ?? 0) <= index
    }
}
