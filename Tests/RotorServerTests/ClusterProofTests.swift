import Logging
import NIOConcurrencyHelpers
import NIOCore
import RotorConsensus
import RotorModel
import RotorServer
import RotorWire
import Testing

/// Records every consensus call it is given and answers it, the appends from
/// another thread; records every fault rule it is given and accepts it.
final class RecordingPeerHandler: PeerCallHandler {
    private let calls = NIOLockedValueBox<[PeerCall]>([])
    private let rules = NIOLockedValueBox<[FaultRule]>([])
    private let wrongKind: Bool

    /// - Parameter wrongKind: answer every call with `.done`, as a buggy handler would.
    init(wrongKind: Bool = false) { self.wrongKind = wrongKind }

    var received: [PeerCall] { calls.withLockedValue { $0 } }
    var faultRules: [FaultRule] { rules.withLockedValue { $0 } }

    func injectFault(_ rule: FaultRule, reply: @escaping @Sendable (Result<Void, KVError>) -> Void) {
        rules.withLockedValue { $0.append(rule) }
        reply(.success(()))
    }

    func handle(_ call: PeerCall, reply: @escaping @Sendable (Result<PeerReply, KVError>) -> Void) {
        calls.withLockedValue { $0.append(call) }
        let answer = wrongKind ? .done : Self.reply(to: call)
        if case .appendEntry = call {
            Task.detached { reply(.success(answer)) }  // as a follower answers once the entries are durable
        } else {
            reply(.success(answer))
        }
    }

    static func reply(to call: PeerCall) -> PeerReply {
        switch call {
        case .appendEntry(let m):
            .appendEntry(AppendResponse(term: m.term, from: 1, success: true, matchIndex: m.prevIndex + LogIndex(m.entries.count),
                                        conflictHint: 0, prevIndex: m.prevIndex))
        case .commitNotification(let m):
            .commitNotification(CommitAck(term: m.term, from: 1, round: m.round, matchIndex: m.commitIndex))
        case .startViewChange, .doViewChange, .requestLog, .installSnapshot, .snapshotAck, .recover, .recoveryResponse:
            .done
        }
    }
}

/// Collects log records, to check what the server says (and does not say).
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        /// Everything in the record, as text.
        var text: String { "\(message) \(metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
    }

    private let records = NIOLockedValueBox<[Record]>([])
    var all: [Record] { records.withLockedValue { $0 } }

    func logger() -> Logger {
        Logger(label: "test.captured") { _ in Handler(sink: self) }
    }

    fileprivate func append(_ record: Record) { records.withLockedValue { $0.append(record) } }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            sink.append(Record(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

extension ByteBuffer {
    static func peerCall(_ call: PeerCall, proof: [UInt8]?, seqid: Int32, codec: ThriftMessageCodec) -> ByteBuffer {
        var buffer = ByteBuffer()
        codec.encodePeerCall(call, proof: proof, seqid: seqid, into: &buffer)
        return buffer
    }

    static func authenticate(_ token: String, seqid: Int32, codec: ThriftMessageCodec) -> ByteBuffer {
        var buffer = ByteBuffer()
        codec.encodeAuthenticate(token: token, seqid: seqid, into: &buffer)
        return buffer
    }
}

/// Sends the frames pipelined on one fresh connection and returns the replies.
func exchange(_ server: TestServer, _ frames: [ByteBuffer]) async throws -> [ByteBuffer] {
    var bytes = ByteBuffer()
    for var frame in frames { bytes.writeBuffer(&frame) }
    let raw = try await RawConnection.open(server.endpoint, group: server.group)
    let outcome = try await raw.exchange(bytes, expectFrames: frames.count)
    try #require(outcome.frames.count == frames.count, "the server answered \(outcome.frames.count) of \(frames.count) calls")
    return outcome.frames
}

@Suite struct ClusterProofTests {
    static let secret = "rotor-cluster-secret"
    let codec = ThriftMessageCodec()
    let authenticator = ClusterAuthenticator(secret: ClusterProofTests.secret)

    static let calls: [PeerCall] = [
        .appendEntry(AppendEntries(term: 4, leaderID: 1, prevIndex: 2, prevTerm: 3,
                                   entries: [LogEntry(index: 3, term: 4, data: Array("put k v".utf8), timestamp: 1),
                                             LogEntry(index: 4, term: 4, data: [], timestamp: 2)],
                                   leaderCommit: 2, termStartIndex: 3)),
        .commitNotification(CommitNotification(term: 4, leaderID: 1, commitIndex: 4, round: 17)),
        .startViewChange(StartViewChange(term: 4, from: 2, proposedTerm: 5)),
        .doViewChange(DoViewChange(term: 5, from: 0, lastNormalTerm: 4, lastIndex: 4, commitIndex: 4, entriesFrom: 5, entries: [])),
        .requestLog(LogRequest(term: 5, from: 2, fromIndex: 1)),
    ] + snapshotAndRecoveryCalls

    /// The calls of state transfer and recovery, and a DoViewChange from a compacted log.
    static let snapshotAndRecoveryCalls: [PeerCall] = [
        .doViewChange(DoViewChange(term: 5, from: 0, lastNormalTerm: 4, lastIndex: 40, commitIndex: 40, entriesFrom: 41, entries: [],
                                   baseIndex: 40, baseTerm: 4)),
        .installSnapshot(InstallSnapshot(term: 5, leaderID: 0, snapshotIndex: 40, snapshotTerm: 4, totalBytes: 2048, offset: 1024,
                                         data: (0..<1024).map { UInt8(truncatingIfNeeded: $0) }, leaderCommit: 42, termStartIndex: 41)),
        .snapshotAck(SnapshotAck(term: 5, from: 2, snapshotIndex: 40, nextOffset: 2048, installed: true)),
        .recover(RecoveryRequest(from: 2, nonce: 0xFEED_FACE_CAFE_BEEF)),
        .recoveryResponse(RecoveryResponse(term: 5, from: 0, nonce: 0xFEED_FACE_CAFE_BEEF, standing: .member, leaderLastIndex: 42)),
    ]

    let appendCall = ClusterProofTests.calls[0]

    func withSecret(_ configuration: inout ServerConfiguration) {
        configuration.security.clusterSecret = Self.secret
    }

    func expectRefused(_ frame: ByteBuffer, _ method: PeerCall.Method, seqid: Int32) throws {
        let outcome = try codec.decodePeerReply(frame, method: method, seqid: seqid)
        guard case .failure(let error) = outcome else {
            Issue.record("expected UNAUTHORIZED, got \(outcome)")
            return
        }
        #expect(error.code == .unauthorized)
        #expect(error.message.contains("missing or invalid cluster proof"))
        #expect(error.message.contains("cluster_secret"))
    }

    @Test func validProofsReachTheHandlerAndItsRepliesComeBackInOrder() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: withSecret) { server in
            let frames = Self.calls.enumerated().map { seqid, call in
                ByteBuffer.peerCall(call, proof: authenticator.proof(for: call), seqid: Int32(seqid), codec: codec)
            }
            let replies = try await exchange(server, frames)
            for (seqid, call) in Self.calls.enumerated() {
                #expect(try codec.decodePeerReply(replies[seqid], method: call.method, seqid: Int32(seqid))
                        == .success(RecordingPeerHandler.reply(to: call)))
            }
            #expect(handler.received == Self.calls)
        }
    }

    @Test func missingProofIsRefusedAndTheConnectionStaysUsable() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: withSecret) { server in
            let replies = try await exchange(server, [
                .peerCall(appendCall, proof: nil, seqid: 1, codec: codec),
                .peerCall(appendCall, proof: authenticator.proof(for: appendCall), seqid: 2, codec: codec),
                .call(.ping, seqid: 3, codec: codec),
            ])
            try expectRefused(replies[0], .appendEntry, seqid: 1)
            #expect(try codec.decodePeerReply(replies[1], method: .appendEntry, seqid: 2) == .success(RecordingPeerHandler.reply(to: appendCall)))
            #expect(try codec.decodeReply(replies[2], method: .ping, seqid: 3) == .success(.ping))
            #expect(handler.received == [appendCall])  // only the proven one
        }
    }

    /// Every snapshot and recovery call is refused without a proof, with a proof
    /// of another call, or with one whose chunk bytes were swapped, and only the proven ones reach the handler.
    @Test func snapshotAndRecoveryCallsNeedAValidProof() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: withSecret) { server in
            let calls = Self.snapshotAndRecoveryCalls
            var frames: [ByteBuffer] = []
            for (i, call) in calls.enumerated() {
                frames.append(.peerCall(call, proof: nil, seqid: Int32(3 * i), codec: codec))
                frames.append(.peerCall(call, proof: authenticator.proof(for: calls[(i + 1) % calls.count]), seqid: Int32(3 * i + 1), codec: codec))
                frames.append(.peerCall(call, proof: authenticator.proof(for: call), seqid: Int32(3 * i + 2), codec: codec))
            }
            guard case .installSnapshot(var forged) = calls[1] else { return }
            forged.data[512] ^= 0xFF
            frames.append(.peerCall(.installSnapshot(forged), proof: authenticator.proof(for: calls[1]), seqid: 99, codec: codec))
            let replies = try await exchange(server, frames)
            for (i, call) in calls.enumerated() {
                try expectRefused(replies[3 * i], call.method, seqid: Int32(3 * i))
                try expectRefused(replies[3 * i + 1], call.method, seqid: Int32(3 * i + 1))
                #expect(try codec.decodePeerReply(replies[3 * i + 2], method: call.method, seqid: Int32(3 * i + 2)) == .success(.done))
            }
            try expectRefused(replies[3 * calls.count], .installSnapshot, seqid: 99)
            #expect(handler.received == calls)
        }
    }

    @Test func proofUnderAnotherSecretOrForAnotherCallIsRefused() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: withSecret) { server in
            let stranger = ClusterAuthenticator(secret: "another-cluster")
            var frames = Self.calls.enumerated().map { seqid, call in
                ByteBuffer.peerCall(call, proof: stranger.proof(for: call), seqid: Int32(seqid), codec: codec)
            }
            // A proof of one call replayed on a call with a higher term.
            guard case .appendEntry(var raised) = appendCall else { return }
            raised.term += 1
            frames.append(.peerCall(.appendEntry(raised), proof: authenticator.proof(for: appendCall), seqid: 99, codec: codec))
            let replies = try await exchange(server, frames)
            for (seqid, call) in Self.calls.enumerated() {
                try expectRefused(replies[seqid], call.method, seqid: Int32(seqid))
            }
            try expectRefused(replies[Self.calls.count], .appendEntry, seqid: 99)
            #expect(handler.received.isEmpty)
        }
    }

    @Test func withoutAClusterSecretPeerCallsNeedNoProof() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler) { server in
            let replies = try await exchange(server, [.peerCall(appendCall, proof: nil, seqid: 1, codec: codec)])
            #expect(try codec.decodePeerReply(replies[0], method: .appendEntry, seqid: 1) == .success(RecordingPeerHandler.reply(to: appendCall)))
            #expect(handler.received == [appendCall])
        }
    }

    /// A standalone replica (no peer handler) does not speak consensus, proof or not.
    @Test func standaloneReplicaAnswersUnknownMethod() async throws {
        try await withServer(configure: withSecret) { server in
            let replies = try await exchange(server, [
                .peerCall(appendCall, proof: authenticator.proof(for: appendCall), seqid: 1, codec: codec),
                .call(.ping, seqid: 2, codec: codec),
            ])
            #expect {
                try codec.decodePeerReply(replies[0], method: .appendEntry, seqid: 1)
            } throws: { error in
                guard case WireError.applicationException(let type, let message) = error else { return false }
                return type == ApplicationExceptionType.unknownMethod.rawValue && message.contains("standalone")
            }
            #expect(try codec.decodeReply(replies[1], method: .ping, seqid: 2) == .success(.ping))
        }
    }

    @Test func invalidPeerArgumentsGetAProtocolErrorBeforeAnyProofCheck() async throws {
        let handler = RecordingPeerHandler()
        try await withServer(peerHandler: handler, configure: withSecret) { server in
            let bad = PeerCall.requestLog(LogRequest(term: 5, from: 2, fromIndex: -1))
            let replies = try await exchange(server, [.peerCall(bad, proof: authenticator.proof(for: bad), seqid: 1, codec: codec)])
            #expect {
                try codec.decodePeerReply(replies[0], method: .requestLog, seqid: 1)
            } throws: { error in
                guard case WireError.applicationException(let type, _) = error else { return false }
                return type == ApplicationExceptionType.protocolError.rawValue
            }
            #expect(handler.received.isEmpty)
        }
    }

    @Test func aReplyOfTheWrongKindIsSentAsInternal() async throws {
        try await withServer(peerHandler: RecordingPeerHandler(wrongKind: true), configure: withSecret) { server in
            let replies = try await exchange(server, [
                .peerCall(appendCall, proof: authenticator.proof(for: appendCall), seqid: 1, codec: codec),
            ])
            let outcome = try codec.decodePeerReply(replies[0], method: .appendEntry, seqid: 1)
            guard case .failure(let error) = outcome else {
                Issue.record("expected INTERNAL, got \(outcome)")
                return
            }
            #expect(error.code == .internalError)
        }
    }

    @Test func refusalsAreLoggedRateLimitedAndWithoutTheSecretOrTheProof() async throws {
        let logs = CapturedLogs()
        let handler = RecordingPeerHandler()
        let stranger = ClusterAuthenticator(secret: "another-cluster")
        try await withServer(peerHandler: handler, logger: logs.logger(), configure: withSecret) { server in
            let proofs = (0..<8).map { _ in stranger.proof(for: appendCall) }
            let frames = proofs.enumerated().map { seqid, proof in
                ByteBuffer.peerCall(appendCall, proof: proof, seqid: Int32(seqid), codec: codec)
            }
            let replies = try await exchange(server, frames)
            for (seqid, reply) in replies.enumerated() { try expectRefused(reply, .appendEntry, seqid: Int32(seqid)) }

            let warnings = logs.all.filter { $0.level == .warning && $0.message.hasPrefix("refused a consensus RPC") }
            // Eight refusals in one burst: the first is logged, the rest are counted (two if a second passed in between).
            #expect((1...2).contains(warnings.count))
            let first = try #require(warnings.first)
            #expect(first.metadata["method"] == "appendEntry")
            #expect(first.metadata["claimed_sender"] == "1")
            #expect(first.metadata["term"] == "4")
            #expect(first.metadata["peer"].map { "\($0)".contains("127.0.0.1") } == true)

            let proofHex = proofs[0].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            for record in logs.all {
                #expect(!record.text.contains(Self.secret))
                #expect(!record.text.contains(proofHex))
                #expect(!record.text.contains("\(proofs[0])"))
            }
        }
    }
}
