import NIOCore
import RotorClient
import RotorModel
import RotorServer
import RotorTestSupport
import RotorWire
import Testing

extension ByteBuffer {
    static func injectFault(_ rule: FaultRule, proof: [UInt8]?, seqid: Int32, codec: ThriftMessageCodec) -> ByteBuffer {
        var buffer = ByteBuffer()
        codec.encodeInjectFault(rule, proof: proof, seqid: seqid, into: &buffer)
        return buffer
    }
}

/// Who may partition a replica with the test-only `injectFault`: only a
/// caller proving the cluster secret, only on a replica started with
/// `[testing] allow_fault_injection = true`, never a standalone one.
@Suite struct FaultInjectionTests {
    static let secret = "rotor-cluster-secret"
    let codec = ThriftMessageCodec()
    let authenticator = ClusterAuthenticator(secret: FaultInjectionTests.secret)
    let partition = FaultRule(dropTo: [1, 2], dropFrom: [1, 2])

    func allowed(_ configuration: inout ServerConfiguration) {
        configuration.security.clusterSecret = Self.secret
        configuration.allowFaultInjection = true
    }

    func outcome(_ frame: ByteBuffer, seqid: Int32) throws -> Result<Void, KVError> {
        try codec.decodeInjectFaultReply(frame, seqid: seqid)
    }

    func accepted(_ frame: ByteBuffer, seqid: Int32) throws -> Bool {
        if case .success = try outcome(frame, seqid: seqid) { return true }
        return false
    }

    func expectRefused(_ frame: ByteBuffer, seqid: Int32, _ code: ErrorCode, mentioning text: String) throws {
        guard case .failure(let error) = try outcome(frame, seqid: seqid) else {
            Issue.record("injectFault #\(seqid) was accepted; expected \(code)")
            return
        }
        #expect(error.code == code)
        #expect(error.message.contains(text), "\(error.message)")
    }

    @Test func aProvenRuleOnAnAllowingReplicaReachesTheHandler() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: allowed) { server in
            let replies = try await exchange(server, [
                .injectFault(partition, proof: authenticator.proof(for: partition), seqid: 1, codec: codec),
                .injectFault(.healed, proof: authenticator.proof(for: .healed), seqid: 2, codec: codec),
            ])
            #expect(try accepted(replies[0], seqid: 1))
            #expect(try accepted(replies[1], seqid: 2))
            #expect(handler.faultRules == [partition, .healed])
        }
    }

    @Test func withoutAValidProofItIsUnauthorized() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: allowed) { server in
            let stranger = ClusterAuthenticator(secret: "another-cluster")
            let replies = try await exchange(server, [
                .injectFault(partition, proof: nil, seqid: 1, codec: codec),
                .injectFault(partition, proof: stranger.proof(for: partition), seqid: 2, codec: codec),
                .injectFault(partition, proof: authenticator.proof(for: .healed), seqid: 3, codec: codec),
                .call(.ping, seqid: 4, codec: codec),
            ])
            for seqid in 1...3 {
                try expectRefused(replies[seqid - 1], seqid: Int32(seqid), .unauthorized, mentioning: "missing or invalid cluster proof")
            }
            #expect(try codec.decodeReply(replies[3], method: .ping, seqid: 4) == .success(.ping))
            #expect(handler.faultRules.isEmpty)
        }
    }

    @Test func aReplicaThatDoesNotAllowFaultInjectionRefusesEvenAValidProof() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: { $0.security.clusterSecret = Self.secret }) { server in
            let replies = try await exchange(server, [
                .injectFault(partition, proof: authenticator.proof(for: partition), seqid: 1, codec: codec),
            ])
            try expectRefused(replies[0], seqid: 1, .unauthorized, mentioning: "allow_fault_injection")
            #expect(handler.faultRules.isEmpty)
        }
    }

    @Test func aReplicaWithoutAClusterSecretRefuses() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: { $0.allowFaultInjection = true }) { server in
            let replies = try await exchange(server, [
                .injectFault(partition, proof: authenticator.proof(for: partition), seqid: 1, codec: codec),
            ])
            try expectRefused(replies[0], seqid: 1, .unauthorized, mentioning: "cluster_secret")
            #expect(handler.faultRules.isEmpty)
        }
    }

    @Test func aStandaloneReplicaHasNoPeersToDrop() async throws {
        try await withServer(configure: allowed) { server in
            let replies = try await exchange(server, [
                .injectFault(partition, proof: authenticator.proof(for: partition), seqid: 1, codec: codec),
            ])
            try expectRefused(replies[0], seqid: 1, .invalidArgument, mentioning: "standalone")
        }
    }

    @Test func refusalsAreLoggedRateLimitedAndWithoutTheProof() async throws {
        let logs = CapturedLogs()
        let stranger = ClusterAuthenticator(secret: "another-cluster")
        try await withServer(peerHandler: RecordingPeerHandler(), logger: logs.logger(), configure: allowed) { server in
            let frames = (0..<8).map { seqid in
                ByteBuffer.injectFault(partition, proof: stranger.proof(for: partition), seqid: Int32(seqid), codec: codec)
            }
            _ = try await exchange(server, frames)
            let warnings = logs.all.filter { $0.level == .warning && $0.message.hasPrefix("refused an injectFault") }
            #expect((1...2).contains(warnings.count))
            #expect(warnings.first?.metadata["rule"] == "\(partition)")
            let proofHex = stranger.proof(for: partition).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            for record in logs.all {
                #expect(!record.text.contains(Self.secret))
                #expect(!record.text.contains(proofHex))
            }
        }
    }

    // MARK: Through RotorKVClient

    @Test func theClientProvesTheSecretAndReportsRefusals() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: allowed) { server in
            try await withClient(server) { client in
                try await client.injectFault(dropTo: [0], dropFrom: [], clusterSecret: Self.secret, at: server.endpoint)
                let wrong = await errorCode { () async throws(KVError) in
                    try await client.injectFault(dropTo: [0], dropFrom: [0], clusterSecret: "not-the-secret", at: server.endpoint)
                }
                #expect(wrong == .unauthorized)
                let negative = await errorCode { () async throws(KVError) in
                    try await client.injectFault(dropTo: [-1], dropFrom: [], clusterSecret: Self.secret, at: server.endpoint)
                }
                #expect(negative == .invalidArgument)
            }
            #expect(handler.faultRules == [FaultRule(dropTo: [0])])
        }
    }

    @Test func theClientReportsAnUnreachableReplicaAsUnavailable() async throws {
        let client = RotorKVClient(endpoints: [Endpoint(host: "127.0.0.1", port: 1)])
        let code = await errorCode { () async throws(KVError) in
            try await client.injectFault(dropTo: [1], dropFrom: [1], clusterSecret: Self.secret, at: Endpoint(host: "127.0.0.1", port: 1),
                                         timeout: .seconds(2))
        }
        await client.shutdown()
        #expect(code == .unavailable)
    }
}
