import NIOCore
import RotorModel
import Testing
@testable import RotorWire

/// The test-only `injectFault` through the real libthrift-c-glib encoder and
/// decoder, its validation, and its proof of the cluster secret.
@Suite struct FaultInjectionCodecTests {
    let codec = ThriftMessageCodec()
    let authenticator = ClusterAuthenticator(secret: "correct horse battery staple")

    static let rules: [FaultRule] = [
        .healed,
        FaultRule(dropTo: [1, 2], dropFrom: [1, 2]),
        FaultRule(dropTo: [0]),
        FaultRule(dropFrom: [4, 0, 3]),
        FaultRule(dropTo: [Int(Int32.max)], dropFrom: [0]),
    ]

    @Test(arguments: rules)
    func callRoundTripsWithAndWithoutProof(_ rule: FaultRule) throws {
        for proof in [nil, [], authenticator.proof(for: rule)] as [[UInt8]?] {
            var frame = ByteBuffer()
            codec.encodeInjectFault(rule, proof: proof, seqid: 23, into: &frame)
            #expect(Int(frame.readInteger(as: UInt32.self) ?? 0) == frame.readableBytes)
            #expect(try codec.decodeCall(frame) == .injectFault(rule, proof: proof, seqid: 23))
        }
    }

    @Test func repliesRoundTrip() throws {
        let refusal = KVError(.unauthorized, "injectFault refused")
        for outcome in [.success(()), .failure(refusal), .failure(.invalidArgument("replica 7 is not in this cluster"))] as [Result<Void, KVError>] {
            var frame = ByteBuffer()
            codec.encodeInjectFaultReply(outcome, seqid: 5, into: &frame)
            frame.moveReaderIndex(forwardBy: 4)
            let decoded = try codec.decodeInjectFaultReply(frame, seqid: 5)
            switch (outcome, decoded) {
            case (.success, .success): break
            case (.failure(let sent), .failure(let received)): #expect(sent == received)
            default: Issue.record("sent \(outcome), decoded \(decoded)")
            }
        }
    }

    @Test func aReplyToAnotherCallIsRefused() {
        var frame = ByteBuffer()
        codec.encodeInjectFaultReply(.success(()), seqid: 5, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(throws: WireError.self) { try codec.decodeInjectFaultReply(frame, seqid: 6) }
        #expect(throws: WireError.self) { try codec.decodeAuthenticateReply(frame, seqid: 5) }
    }

    /// No replica has a negative id: such a call is answered with PROTOCOL_ERROR.
    @Test(arguments: [FaultRule(dropTo: [-1]), FaultRule(dropTo: [1], dropFrom: [2, Int(Int32.min)])])
    func negativeIDsAreInvalidArguments(_ rule: FaultRule) {
        #expect(rule.validationProblem != nil)
        var frame = ByteBuffer()
        codec.encodeInjectFault(rule, proof: nil, seqid: 9, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect {
            try codec.decodeCall(frame)
        } throws: { error in
            guard case WireError.invalidArguments(let method, let seqid, let reason) = error else { return false }
            return method == "injectFault" && seqid == 9 && reason.contains("not a replica id")
        }
    }

    @Test func idsBeyondTheWireAreInvalid() {
        #expect(FaultRule(dropFrom: [Int(Int32.max) + 1]).validationProblem?.contains("drop_from") == true)
        #expect(FaultRule(dropTo: [0, 1, 2], dropFrom: [0]).validationProblem == nil)
    }

    /// Both lists are required: a call without `drop_from` never reaches a handler.
    @Test func aMissingListIsAnInvalidArgument() {
        var bytes = ThriftBytes()
        bytes.messageBegin("injectFault")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeList, id: 1)
        bytes.buffer.writeInteger(ThriftBytes.typeI32)
        bytes.buffer.writeInteger(Int32(1))
        bytes.buffer.writeInteger(Int32(2))
        bytes.stop()
        bytes.stop()
        #expect {
            try codec.decodeCall(bytes.buffer)
        } throws: { error in
            guard case WireError.invalidArguments(let method, _, _) = error else { return false }
            return method == "injectFault"
        }
    }

    @Test func descriptionNamesTheRule() {
        #expect("\(FaultRule(dropTo: [2, 1], dropFrom: [1, 2]))" == "dropping consensus traffic to [1, 2] and from [1, 2]")
        #expect("\(FaultRule(dropTo: [0]))" == "dropping consensus traffic to [0]")
        #expect("\(FaultRule(dropFrom: [0]))" == "dropping consensus traffic from [0]")
        #expect("\(FaultRule.healed)" == "no consensus traffic dropped")
    }

    // MARK: Proof

    @Test func theCanonicalHeaderListsSortedIDs() {
        let header = ClusterAuthenticator.canonicalHeader(FaultRule(dropTo: [2, 1, 2], dropFrom: [0]))
        #expect(String(decoding: header, as: UTF8.self) == "rotorkv-fault-v1|injectFault|1,2|0")
        #expect(String(decoding: ClusterAuthenticator.canonicalHeader(.healed), as: UTF8.self) == "rotorkv-fault-v1|injectFault||")
    }

    @Test(arguments: rules)
    func proofVerifiesOnlyUnderTheSecret(_ rule: FaultRule) {
        let proof = authenticator.proof(for: rule)
        #expect(proof.count == 32)
        #expect(authenticator.verify(rule, proof: proof))
        #expect(!authenticator.verify(rule, proof: nil))
        #expect(!authenticator.verify(rule, proof: []))
        #expect(!authenticator.verify(rule, proof: ClusterAuthenticator(secret: "another secret").proof(for: rule)))
    }

    /// A proof names its rule: not the other direction, not a subset, not a heal.
    @Test func aProofOfOneRuleFailsForAnother() {
        let rule = FaultRule(dropTo: [1, 2], dropFrom: [1])
        let proof = authenticator.proof(for: rule)
        for other in [FaultRule(dropTo: [1], dropFrom: [1, 2]), FaultRule(dropTo: [1, 2]), FaultRule(dropTo: [1, 2], dropFrom: [2]),
                      FaultRule(dropTo: [1], dropFrom: [1]), .healed] {
            #expect(!authenticator.verify(other, proof: proof), "\(other)")
        }
    }
}
