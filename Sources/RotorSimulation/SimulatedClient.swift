import RotorConsensus
import RotorModel
import RotorTestSupport

/// A simulated client: one operation at a time, retried across replicas
/// (same request id, so a retried write applies at most once) until it
/// succeeds, is certainly refused, or its deadline passes.
struct SimulatedClient {
    struct InFlight {
        var id: OperationID
        var operation: SimulatedOperation
        var requestID: Int64
        var deadline: Int64
        var attempt = ClientToken(0)
        var attemptDeadline: Int64 = 0
        /// The latest attempt was certainly not applied (refused).
        var attemptResolved = true
        /// Some earlier attempt may have applied.
        var mayHaveApplied = false
        var retryAt: Int64?
        /// The next attempts register a session first: a write needs one.
        var registering = false
        /// The latest attempt sent the write itself (not a registration).
        var lastAttemptWasWrite = false
    }

    let id: Int
    /// The history's process number; a new one after every unknown outcome (Jepsen's rule).
    var process: Int
    /// Generates its own operations while the run is active.
    var autonomous: Bool
    var leaderGuess: Int
    var nextRequestID: Int64 = 1
    /// The session registered through the log before the first write; nil until then.
    var sessionID: Int64?
    var valueCounter = 0
    var lastSeen: [Bytes: Bytes] = [:]
    var current: InFlight?
    var outcomes: [OperationID: OperationOutcome] = [:]
    /// Scenario clients may make exactly one attempt and report what it said.
    var singleAttempt = false

    init(id: Int, autonomous: Bool, leaderGuess: Int) {
        self.id = id
        self.process = id
        self.autonomous = autonomous
        self.leaderGuess = leaderGuess
    }

    /// A random operation on a small key set, with values unique to this client.
    mutating func generate(keys: Int, random: inout SimulationRandom) -> SimulatedOperation {
        let key = Bytes(utf8: "k\(random.next() % UInt64(keys))")
        valueCounter += 1
        let value = Bytes(utf8: "c\(id)-\(valueCounter)")
        switch random.next() % 10 {
        case 0...3: return .get(key: key)
        case 4...6: return .put(key: key, value: value)
        case 7: return .delete(key: key)
        default: return .compareAndSet(key: key, expected: random.chance(0.3) ? nil : lastSeen[key], new: value)
        }
    }
}
