import RotorConsensus
import RotorModel
import RotorStateMachine
import RotorTestSupport

extension Simulation {
    /// Carries out one action of a replica's core: the simulated shell.
    func carryOut(_ action: ConsensusAction, at replica: Int) {
        switch action {
        case .send(let message, let to):
            for arrival in bus.deliveries(from: replica, to: to, now: now, random: &random) {
                let stamp = replicas[replica].core?.clusterID ?? 0
                scheduler.schedule(.deliver(ConsensusEnvelope(from: replica, to: to, message: message, cluster: stamp)), at: arrival)
            }
        case .persist(let request):
            let latency = random.between(options.diskLatency) + (bus.slowness[replica] ?? 0) / 4
            let completesAt = replicas[replica].disk.submit(request, now: now, latency: latency)
            scheduler.schedule(.diskCompleted(replica: replica, incarnation: replicas[replica].incarnation), at: completesAt)
        case .apply(let entry, let client):
            apply(entry, at: replica, answering: client)
        case .restore(let snapshot):
            restore(snapshot, at: replica)
        case .writeRejected(let token, let rejection), .readRejected(let token, let rejection):
            answer(token, at: replica, .rejected(rejection))
        case .writeOutcomeUnknown(let token):
            answer(token, at: replica, .unknown)
        case .readReady(let token, let index):
            serveRead(token, at: replica, index: index)
        case .roleChanged(let term, let role):
            note("replica \(replica): term \(term), \(role)")
            if role == .leader, let core = replicas[replica].core {
                monitor.leaderStarted(replica: replica, term: term, baseIndex: core.logBaseIndex, log: core.logEntries, time: now)
            }
        }
    }

    private func apply(_ entry: LogEntry, at replica: Int, answering token: ClientToken?) {
        monitor.applied(entry, at: replica, term: replicas[replica].core?.term ?? 0, time: now)
        if entry.isNoOp {
            replicas[replica].machine.skip(index: entry.index)
            snapshotIfDue(replica, lastApplied: entry)
            return
        }
        let outcome = replicas[replica].machine.apply(index: entry.index, entry: entry.data)
        snapshotIfDue(replica, lastApplied: entry)
        guard let token else { return }
        switch outcome {
        case .applied(let result): answer(token, at: replica, .ok(Self.output(result), index: entry.index))
        case .duplicate(let result, let original): answer(token, at: replica, .ok(Self.output(result), index: original))
        case .registered(let clientID): answer(token, at: replica, .registered(clientID: clientID))
        case .stale, .reusedRequestID, .sessionExpired:
            monitor.violate("sessions: a simulated client's request was refused (\(outcome)) at index \(entry.index)", now)
        }
    }

    /// Every `snapshotEvery` applied entries the shell serializes its state
    /// machine; the core hears of it after a delay, as from a background thread.
    private func snapshotIfDue(_ replica: Int, lastApplied entry: LogEntry) {
        guard let every = options.snapshotEvery, entry.index - replicas[replica].lastSnapshotIndex >= Int64(every) else { return }
        replicas[replica].lastSnapshotIndex = entry.index
        let snapshot = Snapshot(index: entry.index, term: entry.term, data: replicas[replica].machine.snapshot())
        let ready = SimulationEvent.snapshotReady(replica: replica, incarnation: replicas[replica].incarnation, snapshot: snapshot)
        scheduler.schedule(ready, after: random.between(options.diskLatency))
    }

    /// State transfer: the replica's state machine becomes the snapshot's.
    private func restore(_ snapshot: Snapshot, at replica: Int) {
        do {
            replicas[replica].machine = try KvStateMachine.restore(snapshot.data)
            replicas[replica].lastSnapshotIndex = snapshot.index
            note("replica \(replica) installed a snapshot through \(snapshot.index)")
        } catch {
            monitor.violate("state transfer: replica \(replica) got a snapshot it cannot restore: \(error)", now)
        }
    }

    static func output(_ result: KvCommandResult) -> OperationOutput {
        switch result {
        case .put: .write
        case .delete(let existed): .delete(existed: existed)
        case .compareAndSet(let succeeded, _): .compareAndSet(succeeded: succeeded)
        }
    }

    private func serveRead(_ token: ClientToken, at replica: Int, index: LogIndex) {
        guard let call = replicas[replica].calls[token] else { return }
        let machine = replicas[replica].machine
        precondition(machine.appliedIndex >= index, "read index \(index) beyond applied \(machine.appliedIndex)")
        answer(token, at: replica, .ok(.read(machine.get(call.operation.key)), index: machine.appliedIndex))
    }

    /// Sends the reply to the client that made the call (if this incarnation still knows it).
    private func answer(_ token: ClientToken, at replica: Int, _ result: ClientReply.Result) {
        guard let call = replicas[replica].calls.removeValue(forKey: token) else { return }
        let reply = ClientReply(client: call.client, token: token, result: result)
        scheduler.schedule(.clientReplyArrives(reply), after: random.between(options.clientLatency))
    }

    /// A client's call reaches a replica (lost if the replica is down).
    func arrive(_ call: ClientCall, at replica: Int) {
        guard replicas[replica].isUp else { return }
        replicas[replica].calls[call.token] = call
        if call.registering {
            feed(replica, .clientWrite(call.token, payload: LogPayload.registerSessionEncoding))
            return
        }
        let session = ClientSession(clientID: call.clientID, requestID: call.requestID)
        switch call.operation {
        case .get:
            feed(replica, .clientRead(call.token))
        case .put(let key, let value):
            feed(replica, .clientWrite(call.token, payload: LogCommand(command: .put(key: key, value: value), session: session).encoded()))
        case .delete(let key):
            feed(replica, .clientWrite(call.token, payload: LogCommand(command: .delete(key: key), session: session).encoded()))
        case .compareAndSet(let key, let expected, let new):
            let command = KvCommand.compareAndSet(key: key, expected: expected, newValue: new)
            feed(replica, .clientWrite(call.token, payload: LogCommand(command: command, session: session).encoded()))
        }
    }
}
