/// How much the run did: the report's first lines, so a "pass" over a run that barely did
/// anything (every operation failed, no fault was injected) is visible as such.
public struct OperationCounts: Sendable, Hashable {
    /// Counts for one function, or for all.
    public struct Tally: Sendable, Hashable {
        /// Invocations: the number of operations.
        public var invoked = 0
        public var ok = 0
        public var fail = 0
        public var info = 0
        /// Invoked but never completed (the run ended first); as uncertain as `info`.
        public var unanswered = 0

        public init() {}

        mutating func add(_ operation: ClientOperation) {
            invoked += 1
            switch operation.completion {
            case .ok?: ok += 1
            case .fail?: fail += 1
            case .info?: info += 1
            case .invoke?, nil: unanswered += 1
            }
        }
    }

    /// Per client function (read, read-local, write, cas, delete); functions never invoked are absent.
    public var byFunction: [HistoryFunction: Tally] = [:]
    public var total = Tally()
    /// Every nemesis event.
    public var nemesisEvents = 0
    /// Nemesis events that injected a fault: kill, pause, partition.
    public var faultsInjected = 0

    public init() {}

    init(_ history: PairedHistory) {
        for operation in history.operations {
            byFunction[operation.function, default: Tally()].add(operation)
            total.add(operation)
        }
        nemesisEvents = history.nemesis.count
        faultsInjected = history.nemesis.filter { $0.function.isFault }.count
    }
}
