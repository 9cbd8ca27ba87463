import RotorModel
import RotorStateMachine
import Testing

/// A state machine that numbers its entries itself, as the standalone server does.
struct Driver {
    var machine: KvStateMachine

    init(limits: ClientSessionTable.Limits = .default) {
        machine = KvStateMachine(sessionLimits: limits)
    }

    /// Registers a session at the next index; returns its client id.
    mutating func register() -> Int64 {
        machine.registerSession(index: machine.appliedIndex + 1)
    }

    @discardableResult
    mutating func apply(_ command: KvCommand, client: Int64? = nil, request: Int64 = 0) -> KvApplyOutcome {
        let session = client.map { ClientSession(clientID: $0, requestID: request) }
        return machine.apply(index: machine.appliedIndex + 1, command: command, session: session)
    }
}

@Suite("Client sessions")
struct SessionTests {
    @Test("a session's client id is the log index of its registration")
    func registrationIndex() {
        var driver = Driver()
        driver.apply(.put(key: b("k"), value: b("v")))
        #expect(driver.register() == 2)
        #expect(driver.machine.apply(index: 3, entry: LogPayload.registerSessionEncoding) == .registered(clientID: 3))
        #expect(driver.machine.sessionCount == 2)
    }

    @Test("a retried put is answered from the cache and not applied again")
    func duplicatePutNotReapplied() {
        var driver = Driver()
        let client = driver.register()
        #expect(driver.apply(.put(key: b("k"), value: b("v1")), client: client, request: 1) == .applied(.put))
        #expect(driver.apply(.put(key: b("k"), value: b("v2")), client: client, request: 2) == .applied(.put))
        #expect(driver.apply(.put(key: b("k"), value: b("v1")), client: client, request: 1) == .duplicate(.put, originalIndex: 2))
        #expect(driver.machine.get(b("k")) == b("v2"))
        #expect(driver.machine.appliedIndex == 4, "a duplicate still consumes its index")
    }

    @Test("a request id reused for another key, value or kind is refused and not applied",
          arguments: [KvCommand.put(key: b("other"), value: b("v")), .put(key: b("k"), value: b("w")),
                      .delete(key: b("k")), .compareAndSet(key: b("k"), expected: nil, newValue: b("v"))])
    func reusedRequestID(reuse: KvCommand) {
        var driver = Driver()
        let client = driver.register()
        #expect(driver.apply(.put(key: b("k"), value: b("v")), client: client, request: 7) == .applied(.put))
        let before = driver.machine.digest()
        #expect(driver.machine.lookup(ClientSession(clientID: client, requestID: 7), command: reuse) == .reused)
        #expect(driver.apply(reuse, client: client, request: 7) == .reusedRequestID)
        #expect(driver.machine.get(b("k")) == b("v"))
        #expect(driver.machine.get(b("other")) == nil)
        #expect(driver.apply(.put(key: b("k"), value: b("v")), client: client, request: 7) == .duplicate(.put, originalIndex: 2),
                "the true retry is still recognised")
        #expect(driver.machine.digest() != before, "the applied index moved; nothing else did")
    }

    @Test("a write from a client that never registered expires and is not applied")
    func unregisteredClient() {
        var driver = Driver()
        #expect(driver.apply(.put(key: b("k"), value: b("v")), client: 42, request: 1) == .sessionExpired)
        #expect(driver.machine.get(b("k")) == nil)
        #expect(driver.machine.sessionCount == 0, "an unknown client is not admitted")
        #expect(driver.machine.lookup(ClientSession(clientID: 42, requestID: 1), command: .delete(key: b("k"))) == .expired)
    }

    @Test("a retried compare-and-set does not flip the value back")
    func duplicateCASDoesNotFlip() {
        var driver = Driver()
        let first = driver.register()
        let claim = KvCommand.compareAndSet(key: b("lock"), expected: nil, newValue: b("A"))
        #expect(driver.apply(claim, client: first, request: 1) == .applied(.compareAndSet(succeeded: true, current: nil)))
        let release = KvCommand.compareAndSet(key: b("lock"), expected: b("A"), newValue: b("B"))
        #expect(driver.apply(release, client: first, request: 2) == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(claim, client: first, request: 1) == .duplicate(.compareAndSet(succeeded: true, current: nil), originalIndex: 2))
        #expect(driver.machine.get(b("lock")) == b("B"))
        let second = driver.register()
        #expect(driver.apply(claim, client: second, request: 1) == .applied(.compareAndSet(succeeded: false, current: b("B"))))
    }

    @Test("ids that left the window are stale and not applied")
    func staleIDs() {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 10, windowSize: 4))
        let client = driver.register()
        for request: Int64 in 10 ... 15 {
            driver.apply(.put(key: b("n"), value: b("\(request)")), client: client, request: request)
        }
        for request: Int64 in [9, 10, 11] {
            #expect(driver.apply(.put(key: b("n"), value: b("old")), client: client, request: request) == .stale)
        }
        #expect(driver.machine.get(b("n")) == b("15"))
        #expect(driver.apply(.put(key: b("n"), value: b("12")), client: client, request: 12) == .duplicate(.put, originalIndex: 4))
        #expect(driver.machine.lookup(ClientSession(clientID: client, requestID: 16), command: .delete(key: b("n"))) == .new)
    }

    @Test("a full table evicts the least recently used session by log index; its writes then expire")
    func clientEviction() {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 2, windowSize: 8))
        let put = KvCommand.put(key: b("k"), value: b("v"))
        let a = driver.register(), b2 = driver.register()
        driver.apply(put, client: a, request: 1) // a is now more recent than b2
        let c = driver.register() // evicts b2
        #expect(driver.machine.sessionCount == 2)
        #expect(driver.apply(put, client: b2, request: 1) == .sessionExpired)
        #expect(driver.apply(put, client: a, request: 1) == .duplicate(.put, originalIndex: 3))
        #expect(driver.apply(put, client: c, request: 1) == .applied(.put))
    }

    @Test("writes without a session always apply")
    func noSessionAlwaysApplies() {
        var driver = Driver()
        let cas = KvCommand.compareAndSet(key: b("c"), expected: nil, newValue: b("1"))
        #expect(driver.apply(cas) == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(cas) == .applied(.compareAndSet(succeeded: false, current: b("1"))))
        #expect(driver.machine.sessionCount == 0)
    }

    @Test("fingerprints are fixed and tell commands apart")
    func fingerprints() {
        let put = KvCommand.put(key: b("k"), value: b("v"))
        #expect(put.fingerprint == KvCommand.put(key: b("k"), value: b("v")).fingerprint)
        #expect(put.fingerprint != KvCommand.put(key: b("k"), value: b("w")).fingerprint)
        #expect(put.fingerprint != KvCommand.compareAndSet(key: b("k"), expected: nil, newValue: b("v")).fingerprint)
    }
}
