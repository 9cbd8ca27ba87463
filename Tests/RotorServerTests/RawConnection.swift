#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import RotorModel
import RotorWire

/// A plain TCP connection that sends whatever bytes a test wants and
/// collects what comes back, to play a misbehaving client.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func open(_ endpoint: Endpoint, group: any EventLoopGroup) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: group).connect(host: endpoint.host, port: endpoint.port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        return RawConnection(channel: channel)
    }

    /// Sends `bytes`, then reads until `frames` whole frames arrived or the
    /// server closed the connection. Returns the frames and whether it closed.
    func exchange(_ bytes: ByteBuffer, expectFrames frames: Int, closeAfterSending: Bool = false) async throws -> (frames: [ByteBuffer], closed: Bool) {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(bytes)
            if closeAfterSending { return ([], true) }  // executeThenClose closes the socket
            var received = ByteBuffer()
            var decoded: [ByteBuffer] = []
            let decoder = FrameDecoder()
            do {
                for try await chunk in inbound {
                    var chunk = chunk
                    received.writeBuffer(&chunk)
                    while let frame = try decoder.nextFrame(&received) { decoded.append(frame) }
                    if decoded.count >= frames && frames > 0 { return (decoded, false) }
                }
            } catch let error as IOError where error.errnoCode == ECONNRESET {
                // The server closed with our bytes unread: a reset is a close too.
            }
            return (decoded, true)
        }
    }
}

extension ByteBuffer {
    /// `payload` with a 4-byte length prefix.
    static func frame(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.readableBytes))
        var payload = payload
        buffer.writeBuffer(&payload)
        return buffer
    }

    static func call(_ request: ClientRequest, seqid: Int32, codec: ThriftMessageCodec) -> ByteBuffer {
        var buffer = ByteBuffer()
        codec.encodeCall(request, seqid: seqid, into: &buffer)
        return buffer
    }
}
