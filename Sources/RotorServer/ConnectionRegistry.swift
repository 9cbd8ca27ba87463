import NIOConcurrencyHelpers
import NIOCore

/// The open connections of a server, so that shutdown can ask each to finish
/// its in-flight requests and close (a `ChannelShouldQuiesceEvent`).
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    var count: Int { channels.withLockedValue { $0.count } }

    func add(_ channel: any Channel) {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.channels.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Asks every connection to quiesce and waits until all have closed.
    func quiesceAll() async {
        let open = channels.withLockedValue { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        for channel in open {
            try? await channel.closeFuture.get()
        }
    }
}
