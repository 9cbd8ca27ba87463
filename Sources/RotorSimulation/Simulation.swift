import RotorConsensus
import RotorModel
import RotorStateMachine
import RotorTestSupport

/// A whole cluster in one process: n consensus cores over the in-memory
/// `ConsensusMessageBus`, simulated disks and clients, all driven by one
/// seeded scheduler. A run is a pure function of (seed, options).
///
/// `run()` does a randomized run (faults, then heal) and checks agreement,
/// durability, linearizability, liveness and convergence. The scenario API
/// (`crash`, `isolate`, `perform`, `runUntil`, …) lets tests script a story.
public final class Simulation {
    public let seed: UInt64
    public let options: SimulationOptions
    var scheduler = Scheduler()
    var random: SimulationRandom
    public var bus = ConsensusMessageBus()
    var replicas: [SimulatedReplica]
    var clients: [SimulatedClient] = []
    var monitor = SafetyMonitor()
    var history = History()
    var nextToken: UInt64 = 0
    var trace: [String] = []
    var faultsInjected = 0
    var activePartitions: [Int: Set<ConsensusMessageBus.Link>] = [:]
    var nextFaultID = 0
    /// Clients start new operations only while this is true.
    var clientsActive = false
    var healedAt: Int64?
    /// Events processed; a run that needs absurdly many is livelocked.
    var eventsProcessed = 0
    static let eventBudget = 3_000_000
    /// Print notable events as they happen (for replaying a failing seed).
    public var echoTrace = false
    /// The operator's word about each replica's empty disk at its next start
    /// (`initial_cluster_state`); `.auto` when unset. It is dropped once the
    /// replica has joined the cluster, as the README tells operators to
    /// remove "new" once a replica has run.
    public var initialClusterStates: [Int: InitialClusterState] = [:]
    /// Replicas whose disk was wiped and that have not rebuilt it yet.
    var lostDisks: Set<Int> = []
    var firstWriteAfterHeal: Int64?

    public init(seed: UInt64, options: SimulationOptions = SimulationOptions(),
                initialClusterStates: [Int: InitialClusterState] = [:]) {
        self.initialClusterStates = initialClusterStates
        self.seed = seed
        self.options = options
        self.random = SimulationRandom(seed: seed)
        self.replicas = (0..<options.replicaCount).map { SimulatedReplica(id: $0, configuration: options.consensus(for: $0)) }
        for id in replicas.indices { start(id) }
    }

    public var now: Int64 { scheduler.now }

    // MARK: Running

    /// Runs events until `deadline` (absolute virtual time). A run stops at
    /// its first violation: what follows a broken invariant proves nothing.
    public func run(until deadline: Int64) {
        while monitor.violations.isEmpty, let event = scheduler.next(before: deadline) { process(event) }
    }

    public func run(for duration: Int64) { run(until: now + duration) }

    /// Runs until `condition` holds (checked after each event) or `timeout` passes; returns whether it held.
    @discardableResult
    public func run(until condition: (Simulation) -> Bool, timeout: Int64) -> Bool {
        let deadline = now + timeout
        while !condition(self) {
            guard monitor.violations.isEmpty, let event = scheduler.next(before: deadline) else { return condition(self) }
            process(event)
        }
        return true
    }

    func process(_ event: SimulationEvent) {
        eventsProcessed += 1
        if eventsProcessed == Self.eventBudget {
            monitor.violate("liveness: \(Self.eventBudget) events without finishing the run (a livelock?)", now)
        }
        switch event {
        case .deliver(let envelope):
            guard replicas[envelope.to].isUp else { return }
            feed(envelope.to, .received(envelope.message, from: envelope.from, cluster: envelope.cluster))
        case .tick(let replica, let incarnation):
            guard replicas[replica].isUp, replicas[replica].incarnation == incarnation else { return }
            feed(replica, .tick)
            scheduler.schedule(.tick(replica: replica, incarnation: incarnation), after: options.tickInterval)
        case .snapshotReady(let replica, let incarnation, let snapshot):
            guard replicas[replica].isUp, replicas[replica].incarnation == incarnation else { return }
            feed(replica, .snapshotTaken(snapshot))
        case .diskCompleted(let replica, let incarnation):
            guard replicas[replica].isUp, replicas[replica].incarnation == incarnation else { return }
            let request = replicas[replica].disk.completeNext()
            feed(replica, .persisted(token: request.token))
        case .clientRequestArrives(let replica, let call):
            arrive(call, at: replica)
        case .clientReplyArrives(let reply):
            receive(reply)
        case .clientWakes(let client):
            wake(client)
        case .fault(let action):
            perform(action)
        }
    }

    /// Hands an event to a replica's core and carries out the actions.
    func feed(_ replica: Int, _ event: ConsensusEvent) {
        guard var core = replicas[replica].core else { return }
        let actions = core.handle(event, now: now)
        replicas[replica].core = core
        if !core.isRecovering { initialClusterStates[replica] = nil }
        for action in actions { carryOut(action, at: replica) }
    }

    // MARK: Replica lifecycle

    func start(_ id: Int) {
        replicas[id].start(now: now, recoveryNonce: random.next(), initialClusterState: initialClusterStates[id] ?? .auto)
        let incarnation = replicas[id].incarnation
        // Stagger ticks so replicas do not act in lockstep.
        scheduler.schedule(.tick(replica: id, incarnation: incarnation), after: random.between(0...options.tickInterval))
        note("replica \(id) started (term \(replicas[id].core!.term), log \(replicas[id].core!.lastIndex))")
    }

    /// Crashes a replica: it loses all volatile state and unsynced writes.
    public func crash(_ id: Int) {
        guard replicas[id].isUp else { return }
        replicas[id].crash()
        note("replica \(id) crashed")
    }

    /// Crashes a replica and loses its whole disk: it lost its data directory.
    public func wipe(_ id: Int) {
        replicas[id].crash()
        replicas[id].disk.wipe()
        lostDisks.insert(id)
        note("replica \(id) crashed and lost its disk")
    }

    public func restart(_ id: Int) {
        guard !replicas[id].isUp else { return }
        start(id)
    }

    // MARK: Observing

    public func isUp(_ id: Int) -> Bool { replicas[id].isUp }
    public func core(_ id: Int) -> Replica? { replicas[id].core }
    public func machine(_ id: Int) -> KvStateMachine { replicas[id].machine }

    /// The replica that leads and has started its term, if exactly one does in the highest such term.
    public var servingLeader: Int? {
        let leaders = replicas.compactMap { $0.core }.filter(\.isLeader)
        return leaders.max(by: { $0.term < $1.term })?.replicaID
    }

    public var violations: [String] { monitor.violations }

    func note(_ text: String) {
        trace.append("[t=\(Double(now) / 1e9)s] \(text)")
        if echoTrace { print(trace.last!) }
        if trace.count > 400 { trace.removeFirst(trace.count - 300) }
    }

    func makeToken() -> ClientToken {
        nextToken += 1
        return ClientToken(nextToken)
    }
}
