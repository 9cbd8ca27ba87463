import NIOCore

/// The inbound end of a peer connection: hands reply frames, writability and
/// the connection's end to the `PeerLink` that owns it (on the same loop).
final class PeerReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let link: NIOLoopBound<PeerLink>
    private let generation: Int

    init(link: NIOLoopBound<PeerLink>, generation: Int) {
        self.link = link
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        link.value.received(unwrapInboundIn(data), generation: generation)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { link.value.becameWritable(generation: generation) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.value.connectionEnded(generation: generation, reason: "closed by the peer")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        link.value.connectionEnded(generation: generation, reason: "\(error)")
        context.close(promise: nil)
    }
}
