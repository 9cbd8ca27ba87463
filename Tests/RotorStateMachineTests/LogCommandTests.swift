import RotorModel
import RotorStateMachine
import Testing

private let sessions: [ClientSession?] = [
    nil,
    ClientSession(clientID: 0, requestID: 0),
    ClientSession(clientID: 0x1234_5678_9ABC_DEF0, requestID: 1),
    ClientSession(clientID: .min, requestID: .max),
    ClientSession(clientID: .max, requestID: .min),
    ClientSession(clientID: -1, requestID: -1),
]

private let commands: [KvCommand] = [
    .put(key: b("k"), value: b("v")),
    .put(key: [], value: []),
    .put(key: Bytes(repeating: 0xFF, count: 300), value: Bytes(repeating: 0, count: 200)),
    .delete(key: b("gone")),
    .delete(key: []),
    .compareAndSet(key: b("k"), expected: nil, newValue: b("new")),
    .compareAndSet(key: b("k"), expected: [], newValue: []),
    .compareAndSet(key: [0x00], expected: b("old"), newValue: b("new")),
]

private let allCommands = sessions.flatMap { session in commands.map { LogCommand(command: $0, session: session) } }

@Suite("LogCommand encoding")
struct LogCommandTests {
    @Test("every command and session round-trips", arguments: allCommands)
    func roundTrip(_ original: LogCommand) throws {
        let encoded = original.encoded()
        #expect(encoded.first == LogCommand.formatVersion)
        #expect(try LogCommand.decode(encoded) == original)
    }

    @Test("a small put is compact")
    func compact() {
        let put = LogCommand(command: .put(key: b("key"), value: b("value")), session: ClientSession(clientID: 99, requestID: 5))
        // version, header, client id (8), request id (1), key (1 + 3), value (1 + 5)
        #expect(put.encoded().count == 2 + 8 + 1 + 4 + 6)
    }

    @Test("every truncation and any trailing byte are rejected", arguments: allCommands)
    func truncationsRejected(_ original: LogCommand) {
        let encoded = original.encoded()
        for length in 0 ..< encoded.count {
            #expect(throws: KVError.self, "prefix of \(length) bytes") { try LogCommand.decode(Array(encoded[..<length])) }
        }
        #expect(throws: KVError.self) { try LogCommand.decode(encoded + [0]) }
    }

    @Test("malformed headers are rejected with an INTERNAL error")
    func malformedHeaders() throws {
        let valid = LogCommand(command: .put(key: b("k"), value: b("v"))).encoded()
        var badVersion = valid
        badVersion[0] = 2
        var unknownOpcode = valid
        unknownOpcode[1] = 0x04
        var unknownBit = valid
        unknownBit[1] |= 0x40
        var expectedOnPut = valid
        expectedOnPut[1] |= 0x20
        for (name, bytes) in [("version", badVersion), ("opcode", unknownOpcode), ("bit", unknownBit), ("flag", expectedOnPut)] {
            let error = try #require(throws: KVError.self, "\(name)") { try LogCommand.decode(bytes) }
            #expect(error.code == .internalError)
            #expect(error.message.contains("corrupt log entry"))
        }
    }

    @Test("an overlong varint or a length past the end is rejected")
    func hostileLengths() {
        // put without session, key length encoded as a non-canonical two-byte varint
        #expect(throws: KVError.self) { try LogCommand.decode([1, 1, 0x81, 0x00, 0x41, 0x00]) }
        // key length 2^63: must not allocate
        #expect(throws: KVError.self) { try LogCommand.decode([1, 1] + Bytes(repeating: 0xFF, count: 8) + [0x7F]) }
        // an eleven-byte varint
        #expect(throws: KVError.self) { try LogCommand.decode([1, 1] + Bytes(repeating: 0x80, count: 10) + [0]) }
    }

    @Test("fuzz: random and mutated inputs never trap, and whatever decodes re-encodes identically")
    func fuzz() {
        var random = SplitMix64(seed: 2024)
        var decodedCount = 0
        for round in 0 ..< 20_000 {
            var input: Bytes
            if round % 2 == 0 {
                input = random.bytes(count: Int.random(in: 0 ... 24, using: &random))
                if round % 4 == 0, !input.isEmpty { input[0] = 1 }
            } else {
                input = allCommands.randomElement(using: &random)!.encoded()
                let flips = Int.random(in: 1 ... 3, using: &random)
                for _ in 0 ..< flips { input[Int.random(in: 0 ..< input.count, using: &random)] ^= 1 << UInt8.random(in: 0 ... 7, using: &random) }
            }
            if let decoded = try? LogCommand.decode(input) {
                decodedCount += 1
                #expect(decoded.encoded() == input, "round \(round)")
            }
        }
        #expect(decodedCount > 100, "the fuzzer should also reach valid encodings")
    }
}
