import NIOCore

/// Splits a byte stream into Thrift framed-transport frames: a 4-byte
/// big-endian length, then that many bytes.
///
/// A negative or oversize length is refused before any of the frame is
/// buffered, so a hostile peer cannot make the server allocate it; the
/// decoder throws and the connection is closed.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// Thrift's TConfiguration default maximum message size.
    public static let defaultMaxFrameBytes = 16 << 20

    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int = FrameDecoder.defaultMaxFrameBytes) {
        precondition(maxFrameBytes > 0, "maxFrameBytes must be positive")
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// The next whole frame's payload, or nil until it has fully arrived.
    public func nextFrame(_ buffer: inout ByteBuffer) throws(WireError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        if length < 0 { throw .negativeFrameLength(length) }
        if Int(length) > maxFrameBytes { throw .frameTooLarge(length: Int64(length), limit: maxFrameBytes) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}
