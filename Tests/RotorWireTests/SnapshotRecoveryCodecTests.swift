import NIOCore
import RotorConsensus
import RotorModel
import Testing
@testable import RotorWire

/// The state transfer and recovery calls, and DoViewChange's log base: what the
/// round trips in `PeerCodecTests` do not show (absent fields, hostile values, big chunks).
@Suite struct SnapshotRecoveryCodecTests {
    let codec = ThriftMessageCodec()

    static func snapshotChunk(totalBytes: Int = 1000, offset: Int = 400, data: [UInt8] = PeerCodecTests.chunk(300),
                              snapshotIndex: LogIndex = 120, snapshotTerm: Term = 5, leaderCommit: LogIndex = 130) -> PeerCall {
        .installSnapshot(InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: snapshotIndex, snapshotTerm: snapshotTerm,
                                         totalBytes: totalBytes, offset: offset, data: data, leaderCommit: leaderCommit, termStartIndex: 125))
    }

    static func viewChange(lastIndex: LogIndex = 14, entriesFrom: LogIndex = 13, baseIndex: LogIndex, baseTerm: Term) -> PeerCall {
        .doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: lastIndex, commitIndex: 12, entriesFrom: entriesFrom,
                                   entries: PeerCodecTests.entries(from: entriesFrom, count: Int(lastIndex - entriesFrom + 1), term: 7),
                                   baseIndex: baseIndex, baseTerm: baseTerm))
    }

    func frame(_ call: PeerCall, proof: [UInt8]? = nil, seqid: Int32 = 77) -> ByteBuffer {
        var frame = ByteBuffer()
        codec.encodePeerCall(call, proof: proof, seqid: seqid, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        return frame
    }

    func expectInvalid(_ frame: ByteBuffer, _ method: PeerCall.Method, seqid: Int32 = 77, reasonContains part: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try codec.decodeCall(frame)
        } throws: { error in
            guard case WireError.invalidArguments(let name, let id, let reason) = error else { return false }
            return name == method.rawValue && id == seqid && reason.contains(part)
        }
    }

    // MARK: DoViewChange's log base

    /// A sender built before compaction writes neither field: its log starts at 0.
    @Test func doViewChangeWithoutBaseFieldsHasBaseZero() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("doViewChange", seqid: 6)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i64(1, 9)  // term
        bytes.i32(2, 1)  // replica_id
        bytes.i64(3, 7)  // last_normal_term
        bytes.i64(4, 0)  // last_index
        bytes.i64(5, 0)  // commit_index
        bytes.i64(6, 1)  // entries_from
        bytes.fieldBegin(ThriftBytes.typeList, id: 7)
        bytes.buffer.writeInteger(ThriftBytes.typeStruct)
        bytes.buffer.writeInteger(Int32(0))
        bytes.stop()
        bytes.stop()
        let expected = DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 0, commitIndex: 0, entriesFrom: 1, entries: [])
        #expect(expected.baseIndex == 0 && expected.baseTerm == 0)
        #expect(try codec.decodeCall(bytes.buffer) == .peer(.doViewChange(expected), proof: nil, seqid: 6))
    }

    @Test(arguments: [(LogIndex(0), Term(0)), (12, 6), (14, 7)])
    func doViewChangeBaseRoundTrips(_ base: (index: LogIndex, term: Term)) throws {
        let call = base.index == 14 ? Self.viewChange(lastIndex: 14, entriesFrom: 15, baseIndex: 14, baseTerm: 7)
                                    : Self.viewChange(baseIndex: base.index, baseTerm: base.term)
        #expect(try codec.decodeCall(frame(call)) == .peer(call, proof: nil, seqid: 77))
    }

    /// A DoViewChange carries one bounded chunk of a long log: its entries
    /// may stop well before last_index (the leader fetches the rest).
    @Test func aDoViewChangeChunkMayEndBeforeLastIndex() throws {
        let call = PeerCall.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 100_001, commitIndex: 12, entriesFrom: 13,
                                                      entries: PeerCodecTests.entries(from: 13, count: 5, term: 7)))
        #expect(try codec.decodeCall(frame(call)) == .peer(call, proof: nil, seqid: 77))
    }

    // MARK: RecoveryStanding

    func recoveryResponse(standing: Int32) -> ByteBuffer {
        var bytes = ThriftBytes()
        bytes.messageBegin("recoveryResponse", seqid: 5)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i64(1, 4)  // term
        bytes.i32(2, 2)  // replica_id
        bytes.i64(3, 99)  // nonce
        bytes.i32(4, standing)
        bytes.stop()
        bytes.stop()
        return bytes.buffer
    }

    @Test func knownStandingsDecode() throws {
        for standing in [RecoveryResponse.Standing.fresh, .recovering, .member, .new] {
            let expected = RecoveryResponse(term: 4, from: 2, nonce: 99, standing: standing, leaderLastIndex: nil)
            #expect(try codec.decodeCall(recoveryResponse(standing: Int32(standing.rawValue)))
                    == .peer(.recoveryResponse(expected), proof: nil, seqid: 5))
        }
    }

    @Test(arguments: [Int32(4), 7, -1, Int32.min, Int32.max])
    func unknownStandingIsRefused(_ standing: Int32) {
        expectInvalid(recoveryResponse(standing: standing), .recoveryResponse, seqid: 5,
                      reasonContains: "standing \(standing) is not a RecoveryStanding")
    }

    // MARK: Values no correct replica sends

    static let invalidCalls: [(PeerCall, String)] = [
        (snapshotChunk(offset: -1), "offset is negative"),
        (snapshotChunk(totalBytes: -5, offset: 0, data: []), "total_bytes is negative"),
        (snapshotChunk(totalBytes: 100, offset: 101, data: []), "offset 101 is beyond total_bytes 100"),
        (snapshotChunk(totalBytes: 1000, offset: 800, data: PeerCodecTests.chunk(201)), "runs past total_bytes 1000"),
        (snapshotChunk(totalBytes: Int.max, offset: Int.max - 2, data: PeerCodecTests.chunk(3)), "runs past total_bytes"),
        (snapshotChunk(snapshotIndex: 0), "snapshot_index must be positive"),
        (snapshotChunk(snapshotIndex: -3), "snapshot_index must be positive"),
        (snapshotChunk(snapshotTerm: 7), "snapshot_term 7 is beyond the sender's term 6"),
        (snapshotChunk(snapshotTerm: -1), "snapshot_term is negative"),
        (snapshotChunk(leaderCommit: -1), "leader_commit is negative"),
        (.installSnapshot(InstallSnapshot(term: -1, leaderID: 0, snapshotIndex: 1, snapshotTerm: 0, totalBytes: 0, offset: 0, data: [],
                                          leaderCommit: 0, termStartIndex: 0)), "leader_term is negative"),
        (.installSnapshot(InstallSnapshot(term: 1, leaderID: -2, snapshotIndex: 1, snapshotTerm: 0, totalBytes: 0, offset: 0, data: [],
                                          leaderCommit: 0, termStartIndex: 0)), "leader_id is negative"),
        (.installSnapshot(InstallSnapshot(term: 1, leaderID: 0, snapshotIndex: 1, snapshotTerm: 0, totalBytes: 0, offset: 0, data: [],
                                          leaderCommit: 0, termStartIndex: -1)), "term_start_index is negative"),
        (.snapshotAck(SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: -1, installed: false)), "next_offset is negative"),
        (.snapshotAck(SnapshotAck(term: 6, from: 2, snapshotIndex: -120, nextOffset: 0, installed: false)), "snapshot_index is negative"),
        (.snapshotAck(SnapshotAck(term: -6, from: 2, snapshotIndex: 120, nextOffset: 0, installed: false)), "term is negative"),
        (.recover(RecoveryRequest(from: -1, nonce: 1)), "replica_id is negative"),
        (.recover(RecoveryRequest(term: -1, from: 1, nonce: 1)), "term is negative"),
        (.recoveryResponse(RecoveryResponse(term: 4, from: 1, nonce: 9, standing: .member, leaderLastIndex: -1)),
         "leader_last_index is negative"),
        (.recoveryResponse(RecoveryResponse(term: 4, from: -1, nonce: 9, standing: .member, leaderLastIndex: nil)), "replica_id is negative"),
        (viewChange(baseIndex: -1, baseTerm: 0), "base_index is negative"),
        (viewChange(baseIndex: 12, baseTerm: 10), "base_term 10 is beyond the sender's term 9"),
        (viewChange(baseIndex: 12, baseTerm: -1), "base_term is negative"),
        (viewChange(lastIndex: 14, entriesFrom: 15, baseIndex: 15, baseTerm: 7), "base_index 15 is beyond last_index 14"),
        (viewChange(baseIndex: 13, baseTerm: 7), "entries_from 13 is not after base_index 13"),
    ]

    @Test(arguments: 0..<invalidCalls.count)
    func invalidArgumentsAreRefused(_ index: Int) {
        let (call, reasonPart) = Self.invalidCalls[index]
        expectInvalid(frame(call), call.method, reasonContains: reasonPart)
    }

    @Test(arguments: [PeerCall.Method.installSnapshot, .snapshotAck, .recover, .recoveryResponse])
    func missingRequestIsInvalid(_ method: PeerCall.Method) {
        var bytes = ThriftBytes()
        bytes.messageBegin(method.rawValue, seqid: 4)
        bytes.stop()
        expectInvalid(bytes.buffer, method, seqid: 4, reasonContains: "the request argument is missing")
    }

    /// A required field left out (here: installSnapshot's `data`) is refused by the generated reader.
    @Test func chunkWithoutDataIsInvalid() {
        var bytes = ThriftBytes()
        bytes.messageBegin("installSnapshot", seqid: 3)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i32(1, 0)
        for (id, value) in [(2, 6), (3, 120), (4, 5), (5, 1000), (6, 0), (8, 130), (9, 125)] as [(Int16, Int64)] {
            bytes.i64(id, value)
        }
        bytes.stop()
        bytes.stop()
        expectInvalid(bytes.buffer, .installSnapshot, seqid: 3, reasonContains: "missing field")
    }

    @Test(arguments: [PeerCall.Method.installSnapshot, .snapshotAck, .recover, .recoveryResponse])
    func everyTruncationIsAnError(_ method: PeerCall.Method) throws {
        let call = try #require(PeerCodecTests.calls.first { $0.method == method })
        let whole = frame(call, proof: Array(repeating: 5, count: 32))
        for length in 0..<whole.readableBytes {
            let truncated = whole.getSlice(at: whole.readerIndex, length: length)!
            #expect(throws: WireError.self) { try codec.decodeCall(truncated) }
        }
    }

    // MARK: Chunk sizes and the frame

    /// A chunk whose length prefix claims more than the frame holds is refused before anything is allocated.
    @Test(arguments: [Int32(11), 1 << 20, Int32.max, -1, Int32.min])
    func chunkLongerThanItsFrameIsRefused(_ claimed: Int32) {
        var bytes = ThriftBytes()
        bytes.messageBegin("installSnapshot", seqid: 8)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.i32(1, 0)
        for (id, value) in [(2, 6), (3, 120), (4, 5), (5, 1 << 21), (6, 0)] as [(Int16, Int64)] {
            bytes.i64(id, value)
        }
        bytes.fieldBegin(ThriftBytes.typeString, id: 7)
        bytes.binary(Array(repeating: 0xAB, count: 10), claimedLength: claimed)
        bytes.stop()
        bytes.stop()
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    /// A frame carrying a chunk over the receiver's frame limit is refused by the frame decoder, before it is buffered.
    @Test func frameOverTheLimitIsRefused() {
        var whole = ByteBuffer()
        codec.encodePeerCall(Self.snapshotChunk(totalBytes: 4096, offset: 0, data: PeerCodecTests.chunk(4096)), proof: nil, seqid: 1,
                             into: &whole)
        let decoder = FrameDecoder(maxFrameBytes: 4096)
        #expect(throws: WireError.frameTooLarge(length: Int64(whole.readableBytes - 4), limit: 4096)) {
            try decoder.nextFrame(&whole)
        }
    }
}
