import RotorConsensus
import RotorModel
import RotorTestSupport

extension Simulation {
    /// Adds clients; autonomous ones generate a random workload while the run is active.
    public func addClients(_ count: Int, autonomous: Bool) {
        for _ in 0..<count {
            let id = clients.count
            clients.append(SimulatedClient(id: id, autonomous: autonomous, leaderGuess: Int(random.next() % UInt64(options.replicaCount))))
            if autonomous { scheduler.schedule(.clientWakes(client: id), after: random.between(0...VirtualTime.milliseconds(5))) }
        }
    }

    /// Scenario API: client `client` performs `operation` to completion and
    /// returns its outcome. `via` picks the first replica to ask; `retries`
    /// false makes a single attempt there. `requestID` reuses an id (a retry
    /// of an earlier write, as a client would after losing the reply).
    public func perform(_ operation: ScenarioOperation, client: Int = 0, via replica: Int? = nil, retries: Bool = true,
                        requestID: Int64? = nil) -> OperationOutcome {
        while clients.count <= client { addClients(1, autonomous: false) }
        precondition(clients[client].current == nil, "client \(client) is busy")
        if let replica { clients[client].leaderGuess = replica }
        clients[client].singleAttempt = !retries
        let id = startOperation(client, operation.simulated, requestID: requestID)
        run(until: { $0.clients[client].outcomes[id] != nil }, timeout: options.clientTimeout + VirtualTime.seconds(1))
        return clients[client].outcomes[id] ?? .unknown
    }

    /// The request id the client used for its latest operation.
    public func lastRequestID(client: Int = 0) -> Int64 { clients[client].nextRequestID - 1 }

    /// Every operation any client completed, for the linearizability checker.
    public var historyOperations: [HistoryOperation] { history.operations }

    func wake(_ client: Int) {
        guard let current = clients[client].current else {
            if clients[client].autonomous && clientsActive {
                _ = startOperation(client, clients[client].generate(keys: options.keyCount, random: &random))
            }
            return
        }
        if now >= current.deadline {
            let unresolvedWrite = current.lastAttemptWasWrite && !current.attemptResolved
            finish(client, current.mayHaveApplied || unresolvedWrite ? .unknown : .fail)
        } else if let retryAt = current.retryAt, now >= retryAt {
            sendAttempt(client)
        } else if clients[client].singleAttempt && !current.registering && now >= current.attemptDeadline {
            finish(client, current.operation.historyKind.isMutating ? .unknown : .fail)
        } else if current.retryAt == nil && now >= current.attemptDeadline {
            // No answer from that replica: try the next one.
            clients[client].leaderGuess = (clients[client].leaderGuess + 1) % options.replicaCount
            sendAttempt(client)
        }
    }

    @discardableResult
    func startOperation(_ client: Int, _ operation: SimulatedOperation, requestID reused: Int64? = nil) -> OperationID {
        let id = history.invoke(process: clients[client].process, key: operation.key, operation.historyKind, at: now)
        let requestID = reused ?? clients[client].nextRequestID
        if reused == nil { clients[client].nextRequestID += 1 }
        clients[client].current = SimulatedClient.InFlight(id: id, operation: operation, requestID: requestID,
                                                           deadline: now + options.clientTimeout,
                                                           registering: operation.historyKind.isMutating && clients[client].sessionID == nil)
        scheduler.schedule(.clientWakes(client: client), at: now + options.clientTimeout)
        sendAttempt(client)
        return id
    }

    private func sendAttempt(_ client: Int) {
        guard var current = clients[client].current else { return }
        if current.lastAttemptWasWrite && !current.attemptResolved { current.mayHaveApplied = true }
        current.lastAttemptWasWrite = current.operation.historyKind.isMutating && !current.registering
        current.attempt = makeToken()
        current.attemptResolved = false
        current.retryAt = nil
        current.attemptDeadline = now + options.attemptTimeout
        clients[client].current = current
        scheduler.schedule(.clientWakes(client: client), at: current.attemptDeadline)
        let call = ClientCall(client: client, token: current.attempt, operation: current.operation,
                              clientID: clients[client].sessionID ?? 0, requestID: current.requestID, registering: current.registering)
        scheduler.schedule(.clientRequestArrives(replica: clients[client].leaderGuess, request: call), after: random.between(options.clientLatency))
    }

    func receive(_ reply: ClientReply) {
        guard var current = clients[reply.client].current, reply.token == current.attempt else { return }
        switch reply.result {
        case .registered(let clientID):
            clients[reply.client].sessionID = clientID
            current.registering = false
            current.attemptResolved = true
            clients[reply.client].current = current
            sendAttempt(reply.client)
            return
        case .ok(let output, let index):
            if current.operation.historyKind.isMutating {
                monitor.acknowledged(index: index, client: reply.client, requestID: current.requestID, time: now)
                if let healedAt, now >= healedAt, firstWriteAfterHeal == nil { firstWriteAfterHeal = now }
            }
            remember(output, of: current.operation, client: reply.client)
            finish(reply.client, .ok(output))
            return
        case .rejected where clients[reply.client].singleAttempt && !current.registering && !current.mayHaveApplied:
            finish(reply.client, .fail)
            return
        case .unknown where clients[reply.client].singleAttempt && !current.registering:
            finish(reply.client, .unknown)
            return
        case .rejected(let rejection):
            current.attemptResolved = true
            switch rejection {
            case .notLeader(let leader):
                clients[reply.client].leaderGuess = leader
                current.retryAt = now + VirtualTime.milliseconds(1)
            case .electing(let expected):
                clients[reply.client].leaderGuess = expected
                current.retryAt = now + VirtualTime.milliseconds(20)
            case .noQuorum:
                // That leader is cut off from its majority: another replica may lead a newer term.
                clients[reply.client].leaderGuess = (clients[reply.client].leaderGuess + 1) % options.replicaCount
                current.retryAt = now + VirtualTime.milliseconds(20)
            }
        case .unknown:
            current.attemptResolved = true
            current.mayHaveApplied = current.mayHaveApplied || current.lastAttemptWasWrite
            clients[reply.client].leaderGuess = (clients[reply.client].leaderGuess + 1) % options.replicaCount
            current.retryAt = now + VirtualTime.milliseconds(20)
        }
        clients[reply.client].current = current
        scheduler.schedule(.clientWakes(client: reply.client), at: current.retryAt!)
    }

    private func remember(_ output: OperationOutput, of operation: SimulatedOperation, client: Int) {
        switch (output, operation) {
        case (.read(let value), .get(let key)): clients[client].lastSeen[key] = value
        case (.write, .put(let key, let value)): clients[client].lastSeen[key] = value
        case (.compareAndSet(true), .compareAndSet(let key, _, let new)): clients[client].lastSeen[key] = new
        default: break
        }
    }

    private func finish(_ client: Int, _ outcome: OperationOutcome) {
        guard let current = clients[client].current else { return }
        history.complete(current.id, outcome, at: now)
        clients[client].outcomes[current.id] = outcome
        clients[client].current = nil
        if outcome == .unknown { clients[client].process += clients.count }
        if clients[client].autonomous && clientsActive {
            scheduler.schedule(.clientWakes(client: client), after: random.between(0...VirtualTime.milliseconds(5)))
        }
    }
}

/// An operation a scenario asks a client to perform.
public enum ScenarioOperation: Sendable {
    case get(String)
    case put(String, String)
    case delete(String)
    case compareAndSet(String, expected: String?, new: String)

    var simulated: SimulatedOperation {
        switch self {
        case .get(let key): .get(key: Bytes(utf8: key))
        case .put(let key, let value): .put(key: Bytes(utf8: key), value: Bytes(utf8: value))
        case .delete(let key): .delete(key: Bytes(utf8: key))
        case .compareAndSet(let key, let expected, let new):
            .compareAndSet(key: Bytes(utf8: key), expected: expected.map { Bytes(utf8: $0) }, new: Bytes(utf8: new))
        }
    }
}
