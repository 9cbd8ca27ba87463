import NIOCore
import RotorConsensus

/// The shell's monotonic clock. The core never reads a clock: the shell reads
/// this one once per event and passes the time in.
enum NodeClock {
    static func now() -> Instant { Instant(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds) }

    static func milliseconds(_ value: Int) -> Instant { Instant(value) * 1_000_000 }
}
