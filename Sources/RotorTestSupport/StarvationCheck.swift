/// A lookahead that cuts dead branches long before the search would hit them.
///
/// If a pending operation needs the register to hold exactly `v` (a read of `v`, a successful
/// compare-and-set expecting `v`), the register does not hold `v` now, and no operation that could
/// still put `v` there remains (every write of `v` is already placed or applied), then no
/// continuation can place that operation. Values are mostly unique per write, so this catches a
/// wrong order of two concurrent writes as soon as the second is placed, instead of after every
/// later operation has been tried, and keeps an unknown write that a later read needs from being
/// spent on something else.
struct StarvationCheck {
    /// Per value id: pending operations that need exactly this value.
    private var needs: [Int32]
    /// Per value id: unplaced operations that could still produce this value.
    private var sources: [Int32]
    /// Values with pending needs and no sources left.
    private var starvedCount = 0

    init(valueCount: Int, definite: [RegisterStep], unknown: [RegisterStep]) {
        needs = Array(repeating: 0, count: valueCount)
        sources = Array(repeating: 0, count: valueCount)
        for step in definite {
            if let need = step.exactNeed { needs[Int(need)] += 1 }
            if let source = step.source { sources[Int(source)] += 1 }
        }
        for step in unknown {
            if let source = step.source { sources[Int(source)] += 1 }
        }
        for value in needs.indices where isStarved(value) { starvedCount += 1 }
    }

    @inline(__always) private func isStarved(_ value: Int) -> Bool { needs[value] > 0 && sources[value] == 0 }

    /// Records that `step` was placed (`delta` -1) or undone (+1).
    @inline(__always) mutating func adjust(_ step: RegisterStep, by delta: Int32) {
        if let need = step.exactNeed {
            let before = isStarved(Int(need))
            needs[Int(need)] += delta
            recount(Int(need), wasStarved: before)
        }
        if let source = step.source {
            let before = isStarved(Int(source))
            sources[Int(source)] += delta
            recount(Int(source), wasStarved: before)
        }
    }

    @inline(__always) private mutating func recount(_ value: Int, wasStarved: Bool) {
        let starved = isStarved(value)
        if starved != wasStarved { starvedCount += starved ? 1 : -1 }
    }

    /// The values some pending operation needs and nothing left can produce, other than `state`.
    func starvedValues(in state: Int32) -> [Int32] {
        needs.indices.filter { isStarved($0) && $0 != Int(state) }.map(Int32.init)
    }

    /// Whether some pending operation can never be placed from a register holding `state`.
    @inline(__always) func isDead(in state: Int32) -> Bool {
        starvedCount > (isStarved(Int(state)) ? 1 : 0)
    }
}
