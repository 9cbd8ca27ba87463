import Foundation
import RotorModel
import RotorStateMachine
import Testing

/// Measurements, not checks: skipped unless `ROTORKV_SNAPSHOT_BENCH=1`. Run in release:
///
///     ROTORKV_SNAPSHOT_BENCH=1 swift test -c release --filter SnapshotBenchmark
///
/// A state machine of 1,000,000 keys (8-byte keys, 256-byte values) is
/// snapshotted, restored and digested three times; the values are
/// pseudo-random (incompressible) or repetitive, the two ends of what zlib sees.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ROTORKV_SNAPSHOT_BENCH"] != nil))
struct SnapshotBenchmark {
    static let keys = Int(ProcessInfo.processInfo.environment["ROTORKV_SNAPSHOT_BENCH_KEYS"] ?? "") ?? 1_000_000

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func machine(randomValues: Bool) -> KvStateMachine {
        var machine = KvStateMachine()
        var random = SplitMix64(seed: 42)
        var value = [UInt8](repeating: 0x61, count: 256)
        for i in 0..<Self.keys {
            if randomValues {
                for j in stride(from: 0, to: 256, by: 8) {
                    let word = random.next()
                    for k in 0..<8 { value[j + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(k))) }
                }
            }
            var key = [UInt8](repeating: 0, count: 8)
            for k in 0..<8 { key[7 - k] = UInt8(truncatingIfNeeded: i >> (8 * k)) }
            _ = machine.apply(index: Int64(i + 1), command: .put(key: key, value: value), session: nil)
        }
        return machine
    }

    /// The second half of a restart: applying replayed log entries (encoded
    /// commands with a client session, as the log holds them) to the state machine.
    @Test func applyRateOfReplayedEntries() {
        let entries: [[UInt8]] = (0..<Self.keys).map { i in
            var key = [UInt8](repeating: 0, count: 8)
            for k in 0..<8 { key[7 - k] = UInt8(truncatingIfNeeded: i >> (8 * k)) }
            let session = ClientSession(clientID: Int64(i % 64 + 1), requestID: Int64(i / 64 + 1))
            return LogCommand(command: .put(key: key, value: [UInt8](repeating: 0x61, count: 256)), session: session).encoded()
        }
        var rates: [Double] = []
        for _ in 0..<3 {
            var machine = KvStateMachine()
            let elapsed = ContinuousClock().measure {
                for (offset, entry) in entries.enumerated() { _ = machine.apply(index: Int64(offset + 1), entry: entry) }
            }
            #expect(machine.keyCount == Self.keys)
            rates.append(Double(Self.keys) / seconds(elapsed))
        }
        print("BENCH apply: \(Self.keys) replayed puts (8-byte keys, 256-byte values, 64 sessions): entries/s per run "
              + rates.map { String(format: "%.0f", $0) }.joined(separator: ", "))
    }

    @Test(arguments: [true, false])
    func snapshotOfAMillionKeys(randomValues: Bool) throws {
        let machine = machine(randomValues: randomValues)
        let clock = ContinuousClock()
        var snapshotTimes: [Double] = [], restoreTimes: [Double] = [], digestTimes: [Double] = []
        var size = 0
        for _ in 0..<3 {
            var bytes: [UInt8] = []
            snapshotTimes.append(seconds(clock.measure { bytes = machine.snapshot() }))
            size = bytes.count
            var restored: KvStateMachine?
            restoreTimes.append(seconds(try clock.measure { restored = try KvStateMachine.restore(bytes) }))
            #expect(restored?.keyCount == Self.keys)
            digestTimes.append(seconds(clock.measure { _ = machine.digest() }))
        }
        func median(_ values: [Double]) -> String { String(format: "%.2f s", values.sorted()[values.count / 2]) }
        print("BENCH snapshot: \(Self.keys) keys x 256-byte \(randomValues ? "random" : "repetitive") values (\(machine.dataBytes >> 20) MiB of data): "
              + "snapshot \(size >> 20) MiB, take \(median(snapshotTimes)), restore \(median(restoreTimes)), digest \(median(digestTimes)) (medians of 3)")
    }
}
