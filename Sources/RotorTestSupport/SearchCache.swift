/// Configurations the search has already reached (Porcupine's cache), with one refinement for
/// operations of unknown outcome.
///
/// A configuration is (definite operations linearized, register state, unknown operations
/// applied). Two configurations with the same definite set and state differ only in which
/// unknown operations remain available, and an unknown operation not yet applied can still be
/// applied later or never. So a configuration whose applied-unknown set is a superset of one
/// already reached can do nothing the earlier one could not, and is skipped. Without this, each
/// pending unknown write would double the search.
///
/// The key also carries the search's context: inside a run of unknown operations the search only
/// considers steps that the run's origin state made necessary (see `KeySearch`), so a
/// configuration reached mid-run is not comparable with the same one reached outside a run.
struct SearchCache {
    private struct Key: Hashable {
        var state: Int32
        /// The origin state of the run of unknown operations in progress, or -1.
        var context: Int32
        var base: Int32
        var definite: [UInt64]
    }

    /// For each (definite set, state): the minimal applied-unknown sets reached so far.
    private var table: [Key: [[UInt64]]] = [:]

    private(set) var count = 0

    /// Records the configuration and returns true, or returns false if it is dominated by one
    /// already recorded.
    mutating func insert(definite: Bitset, state: Int32, context: Int32, unknown: Bitset) -> Bool {
        let window = definite.window()
        let key = Key(state: state, context: context, base: window.base, definite: window.words)
        let applied = unknown.trimmed()
        var isNew = true
        table[key, default: []].withMutable { sets in
            if sets.contains(where: { isSubset($0, of: applied) }) {
                isNew = false
                return
            }
            // Keep the list minimal: anything the new set is a subset of is now dominated.
            sets.removeAll { isSubset(applied, of: $0) }
            sets.append(applied)
        }
        if isNew { count += 1 }
        return isNew
    }
}

extension Array {
    @inline(__always) fileprivate mutating func withMutable(_ body: (inout Self) -> Void) { body(&self) }
}
