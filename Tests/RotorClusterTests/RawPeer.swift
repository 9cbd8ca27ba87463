import NIOCore
import NIOPosix
import RotorConsensus
import RotorModel
import RotorWire

/// Plays a replica (or an impostor) on one connection: sends one consensus
/// RPC with whatever proof it likes and returns the reply.
enum RawPeer {
    static func call(_ call: PeerCall, proof: [UInt8]?, to endpoint: Endpoint) async throws -> Result<PeerReply, KVError> {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ClientBootstrap(group: group).connect(host: endpoint.host, port: endpoint.port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let codec = ThriftMessageCodec()
        var request = ByteBuffer()
        codec.encodePeerCall(call, proof: proof, seqid: 7, into: &request)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            var received = ByteBuffer()
            let decoder = FrameDecoder()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
                if let frame = try decoder.nextFrame(&received) {
                    return try codec.decodePeerReply(frame, method: call.method, seqid: 7)
                }
            }
            throw ClusterTestError("the replica closed the connection without a reply")
        }
    }
}
