/// A history with each invocation joined to its completion, the nemesis events set apart, and
/// everything that breaks the history's rules listed as findings.
///
/// Pairing follows the file order per process, as Jepsen does: a process has at most one
/// operation outstanding, so its next completion belongs to its last invocation. A history that
/// breaks that (two invocations in a row, a completion out of nowhere, a process that carries on
/// after `info`) was recorded by a buggy runner, and checking it anyway could pass a broken
/// cluster, so the well-formedness check fails the run; the other checks still look at what
/// could be paired.
struct PairedHistory {
    /// Client operations in invocation order.
    private(set) var operations: [ClientOperation] = []
    private(set) var nemesis: [HistoryEvent] = []
    /// Events that could not be interpreted or paired.
    private(set) var problems: [TortureFinding] = []
    /// Client events read (invocations and completions).
    private(set) var clientEventCount = 0

    /// Per process: the index of its outstanding operation.
    private var pending: [Int: Int] = [:]
    /// Processes whose operation ended in `info`: they must not issue another.
    private var retired: Set<Int> = []

    init(_ events: [HistoryEvent]) {
        for (index, event) in events.enumerated() {
            add(event, position: index + 1)
        }
    }

    /// Distinct client process numbers that appear.
    var processCount: Int { Set(operations.map(\.process)).count }

    private mutating func add(_ event: HistoryEvent, position: Int) {
        if let problem = event.validationProblem() {
            problems.append(TortureFinding(key: event.key, message: "event \(position) (\(event.jsonLine())): \(problem)"))
            return
        }
        switch event.process {
        case .nemesis:
            nemesis.append(event)
        case .client(let process):
            clientEventCount += 1
            if event.type == .invoke {
                invoke(event, process: process, position: position)
            } else {
                complete(event, process: process, position: position)
            }
        }
    }

    private mutating func invoke(_ event: HistoryEvent, process: Int, position: Int) {
        if let outstanding = pending[process] {
            problem(event, position, "p\(process) invoked again while \(operations[outstanding]) was outstanding")
        }
        if retired.contains(process) {
            problem(event, position, "p\(process) issued an operation after one of its operations ended in info; its client must continue under a new process number")
        }
        pending[process] = operations.count
        operations.append(ClientOperation(
            process: process, function: event.function, key: event.key ?? "", input: event.value,
            invokedAt: event.time, completion: nil, output: .null, returnedAt: nil))
    }

    private mutating func complete(_ event: HistoryEvent, process: Int, position: Int) {
        guard let index = pending.removeValue(forKey: process) else {
            problem(event, position, "a completion without an outstanding invocation of p\(process)")
            return
        }
        let invoked = operations[index]
        if invoked.function != event.function || invoked.key != event.key {
            problem(event, position, "the completion does not match p\(process)'s outstanding \(invoked)")
            return
        }
        if invoked.function.isMutation && event.value != invoked.input {
            problem(event, position, "the completion's value differs from its invocation's, \(invoked)")
        }
        if event.time < invoked.invokedAt {
            problem(event, position, "the completion is earlier than its invocation, \(invoked)")
        }
        operations[index].completion = event.type
        operations[index].output = event.value
        operations[index].returnedAt = event.time
        if event.type == .info { retired.insert(process) }
    }

    private mutating func problem(_ event: HistoryEvent, _ position: Int, _ message: String) {
        problems.append(TortureFinding(key: event.key, message: "event \(position) (\(event.jsonLine())): \(message)"))
    }
}
