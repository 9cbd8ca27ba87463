import NIOCore
import RotorConsensus
import Testing
@testable import RotorWire

/// `MessageBudget`: the payload the core may put in one consensus message always fits a frame.
@Suite struct MessageBudgetTests {
    let codec = ThriftMessageCodec()

    /// Whatever frame limit a replica runs with, the chunks the core cuts by
    /// `MessageBudget` fit one frame, with the largest field values and a proof.
    @Test(arguments: [4096, 65_536, 100_000, 1 << 20, 4 << 20, FrameDecoder.defaultMaxFrameBytes, 64 << 20])
    func chunkOfTheBudgetFitsTheFrame(_ maxFrameBytes: Int) throws {
        let budget = MessageBudget.payloadBytes(maxFrameBytes: maxFrameBytes)
        #expect(budget <= MessageBudget.maxPayloadBytes && budget >= min(maxFrameBytes / 4, 1 << 20))
        let call = PeerCall.installSnapshot(InstallSnapshot(
            term: Int64.max, leaderID: Int(Int32.max), snapshotIndex: Int64.max, snapshotTerm: Int64.max, totalBytes: Int.max,
            offset: Int.max - budget, data: PeerCodecTests.chunk(budget), leaderCommit: Int64.max, termStartIndex: Int64.max))
        var stream = ByteBuffer()
        codec.encodePeerCall(call, proof: ClusterAuthenticator(secret: "s").proof(for: call), seqid: Int32.max, into: &stream)
        let frame = try #require(try FrameDecoder(maxFrameBytes: maxFrameBytes).nextFrame(&stream))
        guard case .peer(let decoded, let proof, _) = try codec.decodeCall(frame) else {
            Issue.record("not decoded as a consensus call")
            return
        }
        #expect(decoded == call)
        #expect(ClusterAuthenticator(secret: "s").verify(decoded, proof: proof))
    }

    /// The default 16 MiB frame takes 4 MiB chunks; a 4 MiB frame, 1 MiB ones.
    @Test func defaultFrameTakesMebibyteChunks() {
        #expect(MessageBudget.payloadBytes(maxFrameBytes: FrameDecoder.defaultMaxFrameBytes) == 4 << 20)
        #expect(MessageBudget.payloadBytes(maxFrameBytes: 4 << 20) == 1 << 20)
        #expect(MessageBudget.payloadBytes(maxFrameBytes: 1) == 1)
    }
}
