import NIOCore
import RotorConsensus
import RotorModel
import Testing
@testable import RotorWire

/// Consensus RPCs and `authenticate` through the real libthrift-c-glib encoder and decoder.
@Suite struct PeerCodecTests {
    let codec = ThriftMessageCodec()

    static func entries(from first: LogIndex, count: Int, term: Term = 3) -> [LogEntry] {
        (0..<count).map { offset in
            // The first is a no-op; the rest carry up to 300 bytes.
            let length = offset == 0 ? 0 : offset * 37 % 300
            let data: [UInt8] = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ offset) }
            return LogEntry(index: first + LogIndex(offset), term: term, data: data, timestamp: 1_700_000_000_000_000_000 + Int64(offset))
        }
    }

    static let calls: [PeerCall] = [
        .appendEntry(AppendEntries(term: 4, leaderID: 1, prevIndex: 0, prevTerm: 0, entries: [], leaderCommit: 0, termStartIndex: 0)),
        .appendEntry(AppendEntries(term: 7, leaderID: 2, prevIndex: 10, prevTerm: 6, entries: entries(from: 11, count: 5, term: 7),
                                   leaderCommit: 9, termStartIndex: 11)),
        .commitNotification(CommitNotification(term: 5, leaderID: 0, commitIndex: 42, round: 0)),
        .commitNotification(CommitNotification(term: 5, leaderID: 0, commitIndex: 42, round: UInt64.max)),
        .startViewChange(StartViewChange(term: 8, from: 2, proposedTerm: 9)),
        .doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 10, entriesFrom: 11,
                                   entries: entries(from: 11, count: 4, term: 7))),
        .doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 0, lastIndex: 0, commitIndex: 0, entriesFrom: 1, entries: [])),
        .requestLog(LogRequest(term: 9, from: 0, fromIndex: 3)),
        .doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 12, entriesFrom: 13,
                                   entries: entries(from: 13, count: 2, term: 7), baseIndex: 12, baseTerm: 6)),
        .installSnapshot(InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 120, snapshotTerm: 5, totalBytes: 1000, offset: 400,
                                         data: chunk(300), leaderCommit: 130, termStartIndex: 125)),
        .installSnapshot(InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 1, snapshotTerm: 0, totalBytes: 0, offset: 0,
                                         data: [], leaderCommit: 0, termStartIndex: 0)),
        .snapshotAck(SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: 700, installed: false)),
        .snapshotAck(SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: 1000, installed: true)),
        .recover(RecoveryRequest(from: 1, nonce: 0x1234_5678_9ABC_DEF0)),
        .recover(RecoveryRequest(from: 2, nonce: UInt64.max)),
        .recoveryResponse(RecoveryResponse(term: 0, from: 0, nonce: UInt64.max, standing: .fresh, leaderLastIndex: nil)),
        .recoveryResponse(RecoveryResponse(term: 4, from: 2, nonce: 99, standing: .recovering, leaderLastIndex: nil)),
        .recoveryResponse(RecoveryResponse(term: 4, from: 1, nonce: 99, standing: .member, leaderLastIndex: 0)),
        .recoveryResponse(RecoveryResponse(term: 4, from: 1, nonce: 99, standing: .member, leaderLastIndex: 4711)),
    ]

    /// Snapshot bytes: every value of a byte, in a pattern that moves with `count`.
    static func chunk(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ count) }
    }

    @Test(arguments: calls)
    func callRoundTripsWithAndWithoutProof(_ call: PeerCall) throws {
        for proof in [nil, [], Array(0..<32)] as [[UInt8]?] {
            var frame = ByteBuffer()
            codec.encodePeerCall(call, proof: proof, seqid: 41, into: &frame)
            #expect(Int(frame.readInteger(as: UInt32.self) ?? 0) == frame.readableBytes)
            #expect(try codec.decodeCall(frame) == .peer(call, proof: proof, seqid: 41))
        }
    }

    static let replies: [(PeerCall.Method, Result<PeerReply, KVError>)] = [
        (.appendEntry, .success(.appendEntry(AppendResponse(term: 7, from: 1, success: true, matchIndex: 15, conflictHint: 0, prevIndex: 10)))),
        (.appendEntry, .success(.appendEntry(AppendResponse(term: 8, from: 2, success: false, matchIndex: 0, conflictHint: 3, prevIndex: 10)))),
        (.commitNotification, .success(.commitNotification(CommitAck(term: 5, from: 2, round: 1 << 40, matchIndex: 42)))),
        (.commitNotification, .success(.commitNotification(CommitAck(term: 5, from: 2, round: UInt64.max, matchIndex: 0)))),
        (.startViewChange, .success(.done)),
        (.doViewChange, .success(.done)),
        (.requestLog, .success(.done)),
        (.installSnapshot, .success(.done)),
        (.snapshotAck, .success(.done)),
        (.recover, .success(.done)),
        (.recoveryResponse, .success(.done)),
        (.appendEntry, .failure(KVError(.unauthorized, "consensus RPC refused"))),
        (.commitNotification, .failure(KVError(.unavailable, "busy", leaderHint: 1, leaderEndpoint: "127.0.0.1:9091"))),
        (.startViewChange, .failure(KVError(.internalError, "disk"))),
        (.doViewChange, .failure(KVError(.overloaded, "later"))),
        (.requestLog, .failure(KVError(.invalidArgument, "no"))),
        (.installSnapshot, .failure(KVError(.unavailable, "stopping"))),
        (.snapshotAck, .failure(KVError(.unauthorized, "consensus RPC refused"))),
        (.recover, .failure(KVError(.invalidArgument, "replica 7 is not a peer"))),
        (.recoveryResponse, .failure(KVError(.internalError, "disk"))),
    ]

    @Test(arguments: 0..<replies.count)
    func replyRoundTrips(_ index: Int) throws {
        let (method, outcome) = Self.replies[index]
        var frame = ByteBuffer()
        codec.encodePeerReply(outcome, method: method, seqid: 12, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(try codec.decodePeerReply(frame, method: method, seqid: 12) == outcome)
    }

    @Test func replyToAnotherMethodOrCallIsRejected() {
        var frame = ByteBuffer()
        codec.encodePeerReply(.success(.done), method: .startViewChange, seqid: 3, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(throws: WireError.self) { try codec.decodePeerReply(frame, method: .doViewChange, seqid: 3) }
        #expect(throws: WireError.self) { try codec.decodePeerReply(frame, method: .startViewChange, seqid: 4) }
    }

    @Test func replyNoCorrectReplicaSendsIsRejected() {
        var frame = ByteBuffer()
        let reply = AppendResponse(term: 7, from: 1, success: true, matchIndex: -1, conflictHint: 0, prevIndex: 10)
        codec.encodePeerReply(.success(.appendEntry(reply)), method: .appendEntry, seqid: 3, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect {
            try codec.decodePeerReply(frame, method: .appendEntry, seqid: 3)
        } throws: { error in
            guard case WireError.unexpectedReply(let reason) = error else { return false }
            return reason.contains("match_index")
        }
    }

    @Test func replyMatchesOnlyItsMethod() {
        #expect(PeerReply.done.answers(.requestLog))
        #expect(!PeerReply.done.answers(.appendEntry))
        let ack = PeerReply.commitNotification(CommitAck(term: 1, from: 0, round: 1, matchIndex: 0))
        #expect(ack.answers(.commitNotification))
        #expect(!ack.answers(.appendEntry))
    }

    @Test func callProperties() {
        let append = Self.calls[1]
        #expect(append.method == .appendEntry && append.sender == 2 && append.term == 7)
        let log = PeerCall.requestLog(LogRequest(term: 9, from: 4, fromIndex: 3))
        #expect(log.method == .requestLog && log.sender == 4 && log.term == 9)
        #expect(log.message == .logRequest(LogRequest(term: 9, from: 4, fromIndex: 3)))
        #expect(PeerCall.Method.allCases.map(\.rawValue) == ["appendEntry", "commitNotification", "startViewChange", "doViewChange", "requestLog",
                                                             "installSnapshot", "snapshotAck", "recover", "recoveryResponse"])
    }

    @Test func snapshotAndRecoveryCallProperties() {
        let chunk = InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 120, snapshotTerm: 5, totalBytes: 1000, offset: 400,
                                    data: Self.chunk(300), leaderCommit: 130, termStartIndex: 125)
        let ack = SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: 700, installed: false)
        let request = RecoveryRequest(from: 1, nonce: 0x1234_5678_9ABC_DEF0)
        let response = RecoveryResponse(term: 4, from: 2, nonce: 99, standing: .recovering, leaderLastIndex: nil)
        let expected: [(PeerCall, PeerCall.Method, ReplicaID, Term, ConsensusMessage)] = [
            (.installSnapshot(chunk), .installSnapshot, 0, 6, .installSnapshot(chunk)),
            (.snapshotAck(ack), .snapshotAck, 2, 6, .snapshotAck(ack)),
            (.recover(request), .recover, 1, 0, .recoveryRequest(request)),
            (.recoveryResponse(response), .recoveryResponse, 2, 4, .recoveryResponse(response)),
        ]
        for (call, method, sender, term, message) in expected {
            #expect(call.method == method && method.isVoid && PeerReply.done.answers(method))
            #expect(call.sender == sender && call.term == term && call.message == message)
        }
    }

    // MARK: The appendEntry fast path

    static let appends: [AppendEntries] = calls.compactMap { call in
        guard case .appendEntry(let append) = call else { return nil }
        return append
    } + [AppendEntries(term: 9, leaderID: 0, prevIndex: 1000, prevTerm: 8, entries: entries(from: 1001, count: 256, term: 9),
                       leaderCommit: 990, termStartIndex: 900)]

    @Test(arguments: appends)
    func fastEncoderWritesWhatTheGeneratedWriterWrites(_ append: AppendEntries) {
        for proof in [nil, Array(0..<32)] as [[UInt8]?] {
            var fast = ByteBuffer()
            codec.encodePeerCall(.appendEntry(append), proof: proof, seqid: 3, into: &fast)
            var generated = ByteBuffer()
            codec.encodePeerCallGenerated(.appendEntry(append), proof: proof, seqid: 3, into: &generated)
            #expect(fast == generated)
        }
    }

    @Test(arguments: appends)
    func fastDecoderReadsTheArgumentsInSwift(_ append: AppendEntries) throws {
        var frame = ByteBuffer()
        codec.encodePeerCallGenerated(.appendEntry(append), proof: [7, 7], seqid: 3, into: &frame)
        frame.moveReaderIndex(forwardBy: 4 + 4 + 4 + "appendEntry".utf8.count + 4)  // frame length, version, name, seqid
        let decoded = try #require(AppendEntriesFastPath.decodeArguments(frame))
        #expect(decoded.call == append)
        #expect(decoded.proof == [7, 7])
    }

    /// A newer sender may add optional fields: the fast path steps aside and the generated reader skips them.
    @Test func unknownFieldsFallBackToTheGeneratedReader() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("appendEntry", seqid: 9)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i32(1, 2)
        bytes.i64(3, 4)
        bytes.i64(4, 3)
        bytes.i64(5, 3)
        bytes.i64(20, 12345)  // unknown
        bytes.stop()
        bytes.stop()
        var args = bytes.buffer
        args.moveReaderIndex(forwardBy: 4 + 4 + "appendEntry".utf8.count + 4)
        #expect(AppendEntriesFastPath.decodeArguments(args) == nil)
        let expected = AppendEntries(term: 3, leaderID: 2, prevIndex: 4, prevTerm: 3, entries: [], leaderCommit: 0, termStartIndex: 0)
        #expect(try codec.decodeCall(bytes.buffer) == .peer(.appendEntry(expected), proof: nil, seqid: 9))
    }

    /// Differential test: whatever the bytes, the fast path decodes exactly what the generated reader decodes.
    @Test func fastAndGeneratedDecodersAgreeOnMangledFrames() {
        var frame = ByteBuffer()
        codec.encodePeerCall(Self.calls[1], proof: Array(repeating: 9, count: 32), seqid: 1, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        let valid = Array(frame.readableBytesView)
        var generator = SplitMix64(seed: 0xA11CE)
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
            let mangled = ByteBuffer(bytes: bytes)
            let fast = Result { () throws(WireError) in try codec.decodeCall(mangled, fastPath: true) }
            let generated = Result { () throws(WireError) in try codec.decodeCall(mangled, fastPath: false) }
            switch (fast, generated) {
            case (.success(let a), .success(let b)) where a == b: continue
            case (.failure, .failure): continue
            default: if disagreements.count < 3 { disagreements.append("fast: \(fast), generated: \(generated)") }
            }
        }
        #expect(disagreements.isEmpty)
    }

    // MARK: The original single-entry form

    /// AppendEntryRequest as the original plan's senders write it: one `entry`, no `entries`.
    func legacyAppend(entryIndex: Int64 = 5, alsoBatch: Bool = false) -> ByteBuffer {
        var bytes = ThriftBytes()
        bytes.messageBegin("appendEntry", seqid: 9)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i32(1, 2)  // leader_id
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 2)  // entry
        bytes.i64(1, entryIndex)
        bytes.i64(2, 3)
        bytes.fieldBegin(ThriftBytes.typeString, id: 3)
        bytes.binary([0xAA, 0xBB])
        bytes.i64(4, 99)
        bytes.stop()
        bytes.i64(3, 4)  // prev_log_index
        bytes.i64(4, 3)  // prev_log_term
        bytes.i64(5, 3)  // leader_term
        if alsoBatch {
            bytes.fieldBegin(ThriftBytes.typeList, id: 6)
            bytes.buffer.writeInteger(ThriftBytes.typeStruct)
            bytes.buffer.writeInteger(Int32(0))
        }
        bytes.stop()
        bytes.stop()
        return bytes.buffer
    }

    @Test func legacySingleEntryDecodesAsABatchOfOne() throws {
        let expected = AppendEntries(term: 3, leaderID: 2, prevIndex: 4, prevTerm: 3,
                                     entries: [LogEntry(index: 5, term: 3, data: [0xAA, 0xBB], timestamp: 99)],
                                     leaderCommit: 0, termStartIndex: 0)
        #expect(try codec.decodeCall(legacyAppend()) == .peer(.appendEntry(expected), proof: nil, seqid: 9))
    }

    @Test func legacyEntryIsValidatedToo() {
        #expect(throws: WireError.self) { try codec.decodeCall(legacyAppend(entryIndex: 6)) }
    }

    @Test func bothEntryAndEntriesIsInvalid() {
        #expect {
            try codec.decodeCall(legacyAppend(alsoBatch: true))
        } throws: { error in
            guard case WireError.invalidArguments("appendEntry", 9, let reason) = error else { return false }
            return reason.contains("both entry and entries")
        }
    }

    // MARK: Validation

    static let invalidCalls: [(PeerCall, String)] = [
        (.appendEntry(AppendEntries(term: -1, leaderID: 1, prevIndex: 0, prevTerm: 0, entries: [], leaderCommit: 0, termStartIndex: 0)),
         "leader_term is negative"),
        (.appendEntry(AppendEntries(term: 1, leaderID: -1, prevIndex: 0, prevTerm: 0, entries: [], leaderCommit: 0, termStartIndex: 0)),
         "leader_id is negative"),
        (.appendEntry(AppendEntries(term: 1, leaderID: 1, prevIndex: -5, prevTerm: 0, entries: [], leaderCommit: 0, termStartIndex: 0)),
         "prev_log_index is negative"),
        (.appendEntry(AppendEntries(term: 1, leaderID: 1, prevIndex: 0, prevTerm: 2, entries: [], leaderCommit: 0, termStartIndex: 0)),
         "prev_log_term 2 is beyond"),
        (.appendEntry(AppendEntries(term: 1, leaderID: 1, prevIndex: 0, prevTerm: 0, entries: [], leaderCommit: -1, termStartIndex: 0)),
         "leader_commit is negative"),
        (.appendEntry(AppendEntries(term: 3, leaderID: 1, prevIndex: 4, prevTerm: 3,
                                    entries: entries(from: 5, count: 2) + entries(from: 8, count: 1), leaderCommit: 0, termStartIndex: 0)),
         "consecutive"),
        (.appendEntry(AppendEntries(term: 3, leaderID: 1, prevIndex: 4, prevTerm: 3, entries: entries(from: 6, count: 2),
                                    leaderCommit: 0, termStartIndex: 0)),
         "consecutive"),
        (.appendEntry(AppendEntries(term: 3, leaderID: 1, prevIndex: 4, prevTerm: 3, entries: entries(from: 5, count: 2, term: 4),
                                    leaderCommit: 0, termStartIndex: 0)),
         "outside 0...3"),
        (.appendEntry(AppendEntries(term: 3, leaderID: 1, prevIndex: Int64.max, prevTerm: 3,
                                    entries: [LogEntry(index: Int64.min, term: 1, data: [], timestamp: 0)], leaderCommit: 0, termStartIndex: 0)),
         "consecutive"),
        (.commitNotification(CommitNotification(term: 1, leaderID: 1, commitIndex: -2, round: 0)), "commit_index is negative"),
        (.startViewChange(StartViewChange(term: 1, from: -3, proposedTerm: 2)), "replica_id is negative"),
        (.startViewChange(StartViewChange(term: 1, from: 0, proposedTerm: -2)), "proposed_term is negative"),
        (.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 13, commitIndex: 10, entriesFrom: 11,
                                    entries: entries(from: 11, count: 4, term: 7))),
         "beyond last_index 13"),
        (.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 10, lastIndex: 0, commitIndex: 0, entriesFrom: 1, entries: [])),
         "last_normal_term 10 is beyond"),
        (.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 10, entriesFrom: 12,
                                    entries: entries(from: 11, count: 4, term: 7))),
         "consecutive"),
        (.requestLog(LogRequest(term: 9, from: 0, fromIndex: -1)), "from_index is negative"),
    ]

    @Test(arguments: 0..<invalidCalls.count)
    func invalidArgumentsAreRefused(_ index: Int) {
        let (call, reasonPart) = Self.invalidCalls[index]
        var frame = ByteBuffer()
        codec.encodePeerCall(call, proof: nil, seqid: 77, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect {
            try codec.decodeCall(frame)
        } throws: { error in
            guard case WireError.invalidArguments(let method, 77, let reason) = error else { return false }
            return method == call.method.rawValue && reason.contains(reasonPart)
        }
    }

    @Test func missingRequestIsInvalid() {
        var bytes = ThriftBytes()
        bytes.messageBegin("requestLog", seqid: 4)
        bytes.stop()
        #expect(throws: WireError.invalidArguments(method: "requestLog", seqid: 4, reason: "the request argument is missing")) {
            try codec.decodeCall(bytes.buffer)
        }
    }

    @Test func everyTruncationOfAPeerCallIsAnError() {
        var whole = ByteBuffer()
        codec.encodePeerCall(Self.calls[1], proof: Array(repeating: 1, count: 32), seqid: 1, into: &whole)
        whole.moveReaderIndex(forwardBy: 4)
        for length in 0..<whole.readableBytes {
            let truncated = whole.getSlice(at: whole.readerIndex, length: length)!
            #expect(throws: WireError.self) { try codec.decodeCall(truncated) }
        }
    }

    // MARK: authenticate

    @Test func authenticateRoundTrips() throws {
        for token in ["", "s3cret", String(repeating: "é", count: 300)] {
            var frame = ByteBuffer()
            codec.encodeAuthenticate(token: token, seqid: 1, into: &frame)
            frame.moveReaderIndex(forwardBy: 4)
            #expect(try codec.decodeCall(frame) == .authenticate(token: token, seqid: 1))
        }
    }

    @Test func authenticateRepliesRoundTrip() throws {
        var ok = ByteBuffer()
        codec.encodeAuthenticateReply(.success(()), seqid: 2, into: &ok)
        ok.moveReaderIndex(forwardBy: 4)
        #expect(throws: Never.self) { try codec.decodeAuthenticateReply(ok, seqid: 2).get() }

        var refused = ByteBuffer()
        codec.encodeAuthenticateReply(.failure(KVError(.unauthorized, "wrong client token")), seqid: 3, into: &refused)
        refused.moveReaderIndex(forwardBy: 4)
        #expect(throws: KVError(.unauthorized, "wrong client token")) { try codec.decodeAuthenticateReply(refused, seqid: 3).get() }
        #expect(throws: WireError.self) { try codec.decodeAuthenticateReply(refused, seqid: 4) }
    }

    @Test func authenticateWithoutTheRequiredTokenIsInvalid() {
        var bytes = ThriftBytes()
        bytes.messageBegin("authenticate", seqid: 5)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.stop()
        bytes.stop()
        #expect {
            try codec.decodeCall(bytes.buffer)
        } throws: { error in
            guard case WireError.invalidArguments("authenticate", 5, _) = error else { return false }
            return true
        }
    }
}
