import RotorConsensus
import RotorModel
import RotorServer
import RotorStateMachine

/// Where a client request should go, decided on the node's loop.
enum Route {
    /// This replica leads: serve it here through consensus.
    case local
    /// Another replica leads the current term.
    case forward(ReplicaID)
    /// No leader emerged before the deadline.
    case unavailable(KVError)
}

extension ReplicaNode {
    /// Decides where a request goes; while a term change is under way, waits
    /// for its leader until `deadline` (VR: no leader serves until a majority
    /// joined its term). Cut off from the leader, refuses at once.
    func route(deadline: Instant, _ body: @escaping (Route) -> Void) {
        loop.preconditionInEventLoop()
        if let refusal = notServing {
            body(.unavailable(refusal))
            return
        }
        if let lost = leaderContactLost {
            body(.unavailable(lost))
            return
        }
        if let leader = replica.knownLeader {
            body(leader == replicaID ? .local : .forward(leader))
            return
        }
        operations.whenLeaderKnown(deadline: deadline) { [unowned self] found in
            guard found, let leader = replica.knownLeader else {
                if let lost = leaderContactLost {
                    body(.unavailable(lost))
                    return
                }
                let expected = replica.termLeader
                body(.unavailable(KVError(.unavailable, "no leader was elected within \(settings.requestTimeout / 1_000_000) ms; replica \(expected) is expected to lead term \(replica.term)",
                                          leaderHint: Int32(expected), leaderEndpoint: settings.endpoints[expected].description)))
                return
            }
            body(leader == replicaID ? .local : .forward(leader))
        }
    }

    /// Puts a write into the log; answers once it is applied (or fails). A
    /// retry the applied session table already settles (a duplicate, a reused
    /// or too old request id) is answered from it without being logged again.
    func submitWrite(_ command: KvCommand, session: ClientSession?, deadline: Instant,
                     reply: @escaping (Result<ClientResponse, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        if let session, let early = machine.withLockedValue({ earlyResult(of: $0.lookup(session, command: command), session: session) }) {
            reply(early)
            return
        }
        submit(LogCommand(command: command, session: session).encoded(), session: session, deadline: deadline, reply: reply)
    }

    /// Logs a session registration (Raft dissertation §6.3); the reply's
    /// client id is the index it was applied at.
    func submitRegistration(deadline: Instant, reply: @escaping (Result<ClientResponse, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        submit(LogPayload.registerSessionEncoding, session: nil, deadline: deadline, reply: reply)
    }

    private func submit(_ payload: Bytes, session: ClientSession?, deadline: Instant,
                        reply: @escaping (Result<ClientResponse, KVError>) -> Void) {
        let token = operations.newToken()
        operations.addWrite(token, PendingOperations.Write(session: session, reply: reply), deadline: deadline)
        queueWrite(ClientWrite(token: token, payload: payload))
    }

    /// ReadIndex: once a majority confirmed this replica still leads, waits
    /// until the read index is applied, then calls `serve`.
    func linearizableRead(deadline: Instant, serve: @escaping (Result<Void, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        let token = operations.newToken()
        operations.addRead(token, deadline: deadline) { [unowned self] result in
            switch result {
            case .success(let index): whenApplied(index, deadline: deadline, serve)
            case .failure(let error): serve(.failure(error))
            }
        }
        handle(.clientRead(token))
    }

    /// Calls `serve` once this replica has applied `index` (read-your-writes
    /// with `min_index`); cut off from the leader, fails at once.
    func whenApplied(_ index: LogIndex, deadline: Instant, _ serve: @escaping (Result<Void, KVError>) -> Void) {
        loop.preconditionInEventLoop()
        if index <= appliedIndex {
            serve(.success(()))
            return
        }
        if let refusal = notServing {
            serve(.failure(refusal))
            return
        }
        if let lost = leaderContactLost {
            serve(.failure(lost))
            return
        }
        operations.whenApplied(index, deadline: deadline) { [unowned self] reached in
            serve(reached ? .success(()) : .failure(leaderContactLost ?? .unavailable(
                "replica \(replicaID) had applied only through index \(appliedIndex), not \(index), within \(settings.requestTimeout / 1_000_000) ms; try the leader or retry")))
        }
    }
}
