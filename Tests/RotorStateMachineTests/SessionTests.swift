import RotorModel
import RotorStateMachine
import Testing

/// A state machine that numbers its entries itself, as the standalone server does.
struct Driver {
    var machine: KvStateMachine

    init(limits: ClientSessionTable.Limits = .default) {
        machine = KvStateMachine(sessionLimits: limits)
    }

    @discardableResult
    mutating func apply(_ command: KvCommand, client: Int64? = nil, request: Int64 = 0) -> KvApplyOutcome {
        let session = client.map { ClientSession(clientID: $0, requestID: request) }
        return machine.apply(index: machine.appliedIndex + 1, command: command, session: session)
    }
}

@Suite("Client sessions")
struct SessionTests {
    @Test("a retried put is answered from the cache and not applied again")
    func duplicatePutNotReapplied() {
        var driver = Driver()
        #expect(driver.apply(.put(key: b("k"), value: b("v1")), client: 1, request: 1) == .applied(.put))
        #expect(driver.apply(.put(key: b("k"), value: b("v2")), client: 1, request: 2) == .applied(.put))
        #expect(driver.apply(.put(key: b("k"), value: b("v1")), client: 1, request: 1) == .duplicate(.put, originalIndex: 1))
        #expect(driver.machine.get(b("k")) == b("v2"))
        #expect(driver.machine.appliedIndex == 3, "a duplicate still consumes its index")
    }

    @Test("a retried compare-and-set does not flip the value back")
    func duplicateCASDoesNotFlip() {
        var driver = Driver()
        let claim = KvCommand.compareAndSet(key: b("lock"), expected: nil, newValue: b("A"))
        #expect(driver.apply(claim, client: 7, request: 1) == .applied(.compareAndSet(succeeded: true, current: nil)))
        let release = KvCommand.compareAndSet(key: b("lock"), expected: b("A"), newValue: b("B"))
        #expect(driver.apply(release, client: 7, request: 2) == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(release, client: 7, request: 2) == .duplicate(.compareAndSet(succeeded: true, current: nil), originalIndex: 2))
        #expect(driver.apply(claim, client: 7, request: 1) == .duplicate(.compareAndSet(succeeded: true, current: nil), originalIndex: 1))
        #expect(driver.machine.get(b("lock")) == b("B"))
        // The same CAS from another client is a different request: it applies, and fails.
        #expect(driver.apply(claim, client: 8, request: 1) == .applied(.compareAndSet(succeeded: false, current: b("B"))))
    }

    @Test("a duplicate delete reports the original outcome")
    func duplicateDeleteKeepsResult() {
        var driver = Driver()
        driver.apply(.put(key: b("k"), value: b("v")))
        #expect(driver.apply(.delete(key: b("k")), client: 3, request: 10) == .applied(.delete(existed: true)))
        #expect(driver.apply(.delete(key: b("k")), client: 3, request: 10) == .duplicate(.delete(existed: true), originalIndex: 2))
        #expect(driver.apply(.delete(key: b("k")), client: 3, request: 11) == .applied(.delete(existed: false)))
    }

    @Test("out-of-order request ids each apply once")
    func outOfOrderIDs() {
        var driver = Driver()
        for request: Int64 in [5, 3, 4, 9] {
            #expect(driver.apply(.put(key: b("r\(request)"), value: []), client: 1, request: request) == .applied(.put))
        }
        for (request, index): (Int64, Int64) in [(3, 2), (4, 3), (5, 1), (9, 4)] {
            #expect(driver.apply(.put(key: b("r\(request)"), value: []), client: 1, request: request)
                == .duplicate(.put, originalIndex: index))
        }
        #expect(driver.apply(.put(key: b("r6"), value: []), client: 1, request: 6) == .applied(.put), "a gap below the highest id is new")
    }

    @Test("ids that left the window are stale and not applied")
    func staleIDs() {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 10, windowSize: 4))
        for request: Int64 in 10 ... 15 {
            driver.apply(.put(key: b("n"), value: b("\(request)")), client: 1, request: request)
        }
        // The window holds 12...15; 10 and 11 left it, and so did never-seen 9.
        for request: Int64 in [9, 10, 11] {
            #expect(driver.apply(.put(key: b("n"), value: b("old")), client: 1, request: request) == .stale)
        }
        #expect(driver.machine.get(b("n")) == b("15"))
        #expect(driver.apply(.put(key: b("n"), value: b("x")), client: 1, request: 12) == .duplicate(.put, originalIndex: 3))
        #expect(driver.machine.lookup(ClientSession(clientID: 1, requestID: 11)) == .stale)
        #expect(driver.machine.lookup(ClientSession(clientID: 1, requestID: 13)) == .duplicate(.put, originalIndex: 4))
        #expect(driver.machine.lookup(ClientSession(clientID: 1, requestID: 16)) == .new)
        #expect(driver.machine.lookup(ClientSession(clientID: 2, requestID: 1)) == .new)
    }

    @Test("the least recently used client is evicted, by log index")
    func clientEviction() {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 3, windowSize: 8))
        let put = KvCommand.put(key: b("k"), value: b("v"))
        driver.apply(put, client: 100, request: 1)
        driver.apply(put, client: 200, request: 1)
        driver.apply(put, client: 300, request: 1)
        driver.apply(put, client: 100, request: 1) // a duplicate still counts as use
        driver.apply(put) // writes without a session touch no client
        #expect(driver.machine.sessionCount == 3)
        driver.apply(put, client: 400, request: 1) // evicts 200
        #expect(driver.machine.sessionCount == 3)
        #expect(driver.machine.lookup(ClientSession(clientID: 200, requestID: 1)) == .new, "200 was forgotten")
        #expect(driver.apply(put, client: 100, request: 1) == .duplicate(.put, originalIndex: 1))
        #expect(driver.apply(put, client: 300, request: 1) == .duplicate(.put, originalIndex: 3))
        #expect(driver.apply(put, client: 400, request: 1) == .duplicate(.put, originalIndex: 6))
        driver.apply(put, client: 500, request: 1) // now 100 is least recent
        #expect(driver.machine.lookup(ClientSession(clientID: 100, requestID: 1)) == .new)
        #expect(driver.machine.lookup(ClientSession(clientID: 300, requestID: 1)) == .duplicate(.put, originalIndex: 3))
    }

    @Test("thousands of clients stay within the bound and keep the most recent ones")
    func evictionAtScale() {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 100, windowSize: 2))
        var random = SplitMix64(seed: 5)
        var lastUse: [Int64: Int64] = [:]
        var lastRequest: [Int64: Int64] = [:]
        for _ in 0 ..< 5_000 {
            let client = Int64.random(in: 0 ..< 300, using: &random)
            let request = Int64.random(in: 0 ..< 1_000, using: &random)
            driver.apply(.delete(key: b("x")), client: client, request: request)
            lastUse[client] = driver.machine.appliedIndex
            lastRequest[client] = request
            #expect(driver.machine.sessionCount <= 100)
        }
        let mostRecent = Set(lastUse.sorted { $0.value > $1.value }.prefix(100).map(\.key))
        for client in lastUse.keys {
            // A remembered client knows its last request (as duplicate or stale); a forgotten one does not.
            let known = driver.machine.lookup(ClientSession(clientID: client, requestID: lastRequest[client]!)) != .new
            #expect(known == mostRecent.contains(client), "client \(client)")
        }
    }

    @Test("writes without a session always apply")
    func noSessionAlwaysApplies() {
        var driver = Driver()
        let cas = KvCommand.compareAndSet(key: b("c"), expected: nil, newValue: b("1"))
        #expect(driver.apply(cas) == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(cas) == .applied(.compareAndSet(succeeded: false, current: b("1"))))
        #expect(driver.machine.sessionCount == 0)
    }

    @Test("the table alone: admit, record, lookup")
    func tableDirectly() {
        var table = ClientSessionTable(limits: ClientSessionTable.Limits(maxClients: 2, windowSize: 2))
        let first = ClientSession(clientID: 1, requestID: 1)
        #expect(table.admit(first, at: 1) == .new)
        table.record(.delete(existed: false), for: first, at: 1)
        #expect(table.admit(first, at: 2) == .duplicate(.delete(existed: false), originalIndex: 1))
        #expect(table.clientCount == 1)
        #expect(table.lookup(ClientSession(clientID: 1, requestID: 0)) == .new)
    }
}
