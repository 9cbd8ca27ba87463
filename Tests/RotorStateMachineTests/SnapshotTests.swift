import RotorModel
import RotorStateMachine
import Testing

/// A state with data, a skipped index and sessions, small enough to corrupt exhaustively.
func sampleMachine() -> KvStateMachine {
    var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 4, windowSize: 3))
    let first = driver.register(), second = driver.register()
    driver.apply(.put(key: b("alpha"), value: b("1")), client: first, request: 1)
    driver.apply(.put(key: [0xFF, 0x00], value: []), client: first, request: 2)
    driver.machine.skip(index: driver.machine.appliedIndex + 1)
    driver.apply(.compareAndSet(key: b("alpha"), expected: b("0"), newValue: b("2")), client: second, request: 5)
    let third = driver.register()
    driver.apply(.delete(key: b("beta")), client: third, request: -4)
    driver.apply(.put(key: [], value: b("empty key")))
    return driver.machine
}

@Suite("Snapshots")
struct SnapshotTests {
    @Test("restore reproduces state, reads, digest and session behaviour")
    func roundTrip() throws {
        let original = sampleMachine()
        let restored = try KvStateMachine.restore(original.snapshot())
        #expect(restored == original)
        #expect(restored.digest() == original.digest())
        #expect(restored.appliedIndex == original.appliedIndex)
        #expect(restored.keyCount == 3)
        #expect(restored.sessionLimits == ClientSessionTable.Limits(maxClients: 4, windowSize: 3))
        #expect(restored.get(b("alpha")) == b("1"))
        #expect(restored.scan(from: [], to: nil, limit: 10).entries == original.scan(from: [], to: nil, limit: 10).entries)
        let cas = KvCommand.compareAndSet(key: b("alpha"), expected: b("0"), newValue: b("2"))
        #expect(restored.lookup(ClientSession(clientID: 2, requestID: 5), command: cas)
            == .duplicate(.compareAndSet(succeeded: false, current: b("1")), originalIndex: 6))
        #expect(restored.lookup(ClientSession(clientID: 2, requestID: 5), command: .delete(key: b("alpha"))) == .reused,
                "the fingerprint survives the round trip")
        #expect(restored.snapshot() == original.snapshot())
    }

    @Test("original and restored stay identical under further commands, including evictions")
    func divergenceFree() throws {
        var original = Driver()
        original.machine = sampleMachine()
        var restored = Driver()
        restored.machine = try KvStateMachine.restore(original.machine.snapshot())
        var random = SplitMix64(seed: 99)
        for _ in 0 ..< 300 {
            let key = b("k\(Int.random(in: 0 ..< 20, using: &random))")
            let client = Int64.random(in: 0 ..< 8, using: &random) * 10
            let request = Int64.random(in: -5 ..< 10, using: &random)
            let command: KvCommand = Bool.random(using: &random) ? .put(key: key, value: key) : .delete(key: key)
            #expect(original.apply(command, client: client, request: request) == restored.apply(command, client: client, request: request))
        }
        #expect(original.machine == restored.machine)
        #expect(original.machine.digest() == restored.machine.digest())
    }

    @Test("an empty state round-trips")
    func emptyRoundTrip() throws {
        let empty = KvStateMachine()
        let restored = try KvStateMachine.restore(empty.snapshot())
        #expect(restored == empty && restored.appliedIndex == 0 && restored.sessionLimits == .default)
    }

    @Test("a larger state round-trips and compresses")
    func largerRoundTrip() throws {
        var driver = Driver(limits: ClientSessionTable.Limits(maxClients: 500, windowSize: 4))
        let clients = (0 ..< 500).map { _ in driver.register() }
        for number in 0 ..< 20_000 {
            driver.apply(.put(key: b("user:\(number)"), value: b("value-\(number % 97)")), client: clients[number % 500], request: Int64(number))
        }
        let snapshot = driver.machine.snapshot()
        #expect(snapshot.count < driver.machine.dataBytes / 2)
        let restored = try KvStateMachine.restore(snapshot)
        #expect(restored == driver.machine)
        #expect(restored.digest() == driver.machine.digest())
    }

    @Test("every single-bit flip is rejected")
    func bitFlipsRejected() {
        let snapshot = sampleMachine().snapshot()
        for bit in 0 ..< snapshot.count * 8 {
            var damaged = snapshot
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: KVError.self, "bit \(bit)") { try KvStateMachine.restore(damaged) }
        }
    }

    @Test("every truncation is rejected, and so is an appended byte")
    func truncationsRejected() {
        let snapshot = sampleMachine().snapshot()
        for length in 0 ..< snapshot.count {
            #expect(throws: KVError.self, "length \(length)") { try KvStateMachine.restore(Array(snapshot[..<length])) }
        }
        #expect(throws: KVError.self) { try KvStateMachine.restore(snapshot + [0]) }
    }

    @Test("wrong magic, a future version and a forged size say what is wrong")
    func headerErrors() throws {
        let snapshot = sampleMachine().snapshot()
        var magic = snapshot
        magic[0] = UInt8(ascii: "X")
        let magicError = try #require(throws: KVError.self) { try KvStateMachine.restore(magic) }
        #expect(magicError.code == .internalError && magicError.message.contains("magic"))

        var version = snapshot
        version[4] = 3
        let versionError = try #require(throws: KVError.self) { try KvStateMachine.restore(resealed(version)) }
        #expect(versionError.message.contains("unsupported snapshot version 3"))

        var forgedSize = snapshot
        for index in 8 ..< 16 { forgedSize[index] = 0x7F }
        let sizeError = try #require(throws: KVError.self) { try KvStateMachine.restore(resealed(forgedSize)) }
        #expect(sizeError.message.contains("claims"))

        var flipped = snapshot
        flipped[snapshot.count - 1] ^= 0x10
        let crcError = try #require(throws: KVError.self) { try KvStateMachine.restore(flipped) }
        #expect(crcError.message.contains("checksum"))

        var garbledBody = snapshot
        garbledBody[21] ^= 0xFF
        #expect(throws: KVError.self) { try KvStateMachine.restore(resealed(garbledBody)) }
    }

    @Test("random bytes never restore and never trap")
    func randomBytes() {
        var random = SplitMix64(seed: 3)
        let header = Array(sampleMachine().snapshot()[0 ..< 20])
        for round in 0 ..< 2_000 {
            var input = random.bytes(count: Int.random(in: 0 ... 120, using: &random))
            if round % 2 == 0 {
                input = header + input
                if round % 4 == 0 { input = resealed(input) }
            }
            #expect(throws: KVError.self, "round \(round)") { try KvStateMachine.restore(input) }
        }
    }

    @Test("behind a valid checksum, the payload decoder rejects truncations and mutations without trapping")
    func payloadValidation() throws {
        let payload = sampleMachine().snapshotPayload()
        for length in 0 ..< payload.count {
            let wrapped = KvStateMachine.snapshotContainer(wrapping: Array(payload[..<length]))
            #expect(throws: KVError.self, "payload length \(length)") { try KvStateMachine.restore(wrapped) }
        }
        #expect(throws: KVError.self) { try KvStateMachine.restore(KvStateMachine.snapshotContainer(wrapping: payload + [0])) }

        var random = SplitMix64(seed: 11)
        var accepted = 0
        for round in 0 ..< 3_000 {
            var mutated = payload
            for _ in 0 ..< Int.random(in: 1 ... 2, using: &random) {
                mutated[Int.random(in: 0 ..< mutated.count, using: &random)] ^= 1 << UInt8.random(in: 0 ... 7, using: &random)
            }
            if let restored = try? KvStateMachine.restore(KvStateMachine.snapshotContainer(wrapping: mutated)) {
                accepted += 1
                #expect(restored.snapshotPayload() == mutated, "accepted payloads are canonical (round \(round))")
            }
        }
        #expect(accepted > 0, "some mutations (e.g. of values) are valid states")
    }

    @Test("inconsistent payloads are rejected: keys out of order, sessions from the future")
    func semanticErrors() throws {
        var driver = Driver()
        driver.apply(.put(key: b("a"), value: b("x")))
        driver.apply(.put(key: b("b"), value: b("x")))
        var swapped = driver.machine.snapshotPayload()
        // index (8), count 2, then [1 'a' 1 'x'] [1 'b' 1 'x']
        #expect(swapped[10] == UInt8(ascii: "a") && swapped[14] == UInt8(ascii: "b"))
        swapped.swapAt(10, 14)
        let orderError = try #require(throws: KVError.self) {
            try KvStateMachine.restore(KvStateMachine.snapshotContainer(wrapping: swapped))
        }
        #expect(orderError.message.contains("out of order"))

        let client = driver.register()
        driver.apply(.put(key: b("c"), value: b("x")), client: client, request: 1)
        var rewound = driver.machine.snapshotPayload()
        rewound[0] = UInt8(client) // applied index back to the registration, but the client was last used after it
        let sessionError = try #require(throws: KVError.self) {
            try KvStateMachine.restore(KvStateMachine.snapshotContainer(wrapping: rewound))
        }
        #expect(sessionError.message.contains("last used"))
    }
}
