import RotorModel
import RotorStateMachine
import Testing

/// FNV-1a 64, written out independently of the implementation.
private func referenceFNV1a(_ bytes: Bytes) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

@Suite("Digest")
struct DigestTests {
    @Test("the digest is FNV-1a 64 of the documented canonical encoding")
    func definition() {
        var machine = KvStateMachine()
        _ = machine.apply(index: 1, command: .put(key: b("k"), value: b("v")), session: nil)
        let expectedPayload: Bytes = [1, 0, 0, 0, 0, 0, 0, 0] // applied index
            + [1, 1, 0x6B, 1, 0x76] // one key: "k" -> "v"
            + [0xA0, 0x8D, 0x06, 0x80, 0x01] // limits 100000, 128
            + [0] // no clients
        #expect(machine.snapshotPayload() == expectedPayload)
        #expect(machine.digest() == referenceFNV1a(expectedPayload))
    }

    @Test("different histories reaching the same content have the same digest and snapshot")
    func historyIndependent() {
        var first = Driver()
        first.apply(.put(key: b("c"), value: b("3")))
        first.apply(.put(key: b("a"), value: b("1")))
        first.apply(.put(key: b("b"), value: b("0")))
        first.apply(.put(key: b("b"), value: b("2")))
        first.machine.skip(index: 5)
        var second = Driver()
        second.apply(.put(key: b("x"), value: b("9")))
        second.apply(.compareAndSet(key: b("a"), expected: nil, newValue: b("1")))
        second.apply(.delete(key: b("x")))
        second.apply(.put(key: b("b"), value: b("2")))
        second.apply(.put(key: b("c"), value: b("3")))
        #expect(first.machine == second.machine)
        #expect(first.machine.digest() == second.machine.digest())
        #expect(first.machine.snapshot() == second.machine.snapshot())
    }

    @Test("chunk layout does not matter: ascending, descending and churned inserts agree")
    func layoutIndependent() {
        let keys = (0 ..< 3_000).map { b(String($0 * 7919 % 10_007)) }
        var ascending = KvStateMachine()
        var descending = KvStateMachine()
        var churned = KvStateMachine()
        var index: Int64 = 0
        for key in keys.sorted(by: bytesLess) {
            index += 1
            _ = ascending.apply(index: index, command: .put(key: key, value: key), session: nil)
        }
        index = 0
        for key in keys.sorted(by: bytesLess).reversed() {
            index += 1
            _ = descending.apply(index: index, command: .put(key: key, value: key), session: nil)
        }
        index = 0
        for (number, key) in keys.enumerated() {
            index += 1
            let noise = b("noise\(number)")
            _ = churned.apply(index: index, command: .put(key: noise, value: noise), session: nil)
            _ = churned.apply(index: index + 1, command: .put(key: key, value: key), session: nil)
            _ = churned.apply(index: index + 2, command: .delete(key: noise), session: nil)
            index += 2
        }
        // Pad the shorter histories to the same applied index.
        while ascending.appliedIndex < churned.appliedIndex {
            ascending.skip(index: ascending.appliedIndex + 1)
            descending.skip(index: descending.appliedIndex + 1)
        }
        #expect(ascending.digest() == descending.digest())
        #expect(ascending.digest() == churned.digest())
    }

    @Test("any difference in data, index or sessions changes the digest")
    func sensitive() {
        func machine(_ build: (inout Driver) -> Void) -> UInt64 {
            var driver = Driver()
            build(&driver)
            return driver.machine.digest()
        }
        let digests = [
            machine { $0.apply(.put(key: b("k"), value: b("v"))) },
            machine { $0.apply(.put(key: b("k"), value: b("w"))) },
            machine { $0.apply(.put(key: b("j"), value: b("v"))) },
            machine { $0.apply(.put(key: b("k"), value: b("v")), client: $0.register(), request: 1) },
            machine { $0.apply(.put(key: b("k"), value: b("v")), client: $0.register(), request: 2) },
            machine {
                $0.apply(.put(key: b("k"), value: b("v")))
                $0.apply(.put(key: b("k"), value: b("v")), client: $0.register(), request: 1)
            },
            machine { $0.apply(.put(key: b("kv"), value: [])) },
            machine {
                $0.apply(.put(key: b("k"), value: b("v")))
                $0.machine.skip(index: 2)
            },
            KvStateMachine(sessionLimits: .init(maxClients: 5, windowSize: 5)).digest(),
            KvStateMachine().digest(),
        ]
        #expect(Set(digests).count == digests.count)
    }

    @Test("states that differ only in a cached command's fingerprint have different digests")
    func fingerprintInDigest() {
        var first = Driver()
        first.apply(.put(key: b("k"), value: b("v")), client: first.register(), request: 1)
        first.machine.skip(index: 3)
        var second = Driver()
        second.apply(.put(key: b("k"), value: b("w")), client: second.register(), request: 1)
        second.apply(.put(key: b("k"), value: b("v")))
        #expect(first.machine.get(b("k")) == second.machine.get(b("k")))
        #expect(first.machine.appliedIndex == second.machine.appliedIndex)
        #expect(first.machine != second.machine)
        #expect(first.machine.digest() != second.machine.digest())
    }
}
