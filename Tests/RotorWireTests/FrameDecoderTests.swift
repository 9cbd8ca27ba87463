import NIOCore
import NIOEmbedded
import Testing
@testable import RotorWire

@Suite struct FrameDecoderTests {
    @Test func waitsForWholeFrames() throws {
        let decoder = FrameDecoder(maxFrameBytes: 100)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(3))
        buffer.writeBytes([1, 2])
        #expect(try decoder.nextFrame(&buffer) == nil)
        buffer.writeBytes([3])
        buffer.writeInteger(UInt32(0))
        #expect(try decoder.nextFrame(&buffer).map { Array($0.readableBytesView) } == [1, 2, 3])
        #expect(try decoder.nextFrame(&buffer).map { $0.readableBytes } == 0)
        #expect(buffer.readableBytes == 0)
    }

    @Test func refusesOversizeFramesBeforeBufferingThem() {
        let decoder = FrameDecoder(maxFrameBytes: 100)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(101))
        #expect(throws: WireError.frameTooLarge(length: 101, limit: 100)) { try decoder.nextFrame(&buffer) }
    }

    @Test func refusesNegativeLengths() {
        let decoder = FrameDecoder()
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(-5))
        #expect(throws: WireError.negativeFrameLength(-5)) { try decoder.nextFrame(&buffer) }
    }

    @Test func closesTheChannelOnAHostileFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: 10)))
        var buffer = channel.allocator.buffer(capacity: 4)
        buffer.writeInteger(UInt32(1_000_000))
        #expect(throws: WireError.self) { try channel.writeInbound(buffer) }
        _ = try? channel.finish()
    }
}
