/// How much the cluster served during each fault, against its healthy rate:
/// operations that completed `ok` per second inside each fault window (from
/// the fault to its repair), and the median of the one-second buckets of the
/// workload that overlap no fault. A reported figure, not a check: on a small,
/// shared machine the rates swing too much to fail a run on them.
public struct FaultThroughput: Sendable, Hashable {
    public struct Window: Sendable, Hashable {
        /// The fault as the nemesis recorded it, e.g. `partition isolate [1] from [0, 2]`.
        public var fault: String
        public var start: Int64
        public var end: Int64
        public var opsPerSecond: Double
        /// From one election timeout after the fault began to its repair; nil when it was shorter.
        public var settledOpsPerSecond: Double?
    }

    /// The median ok operations per second over the healthy one-second buckets (0 if none).
    public var healthyOpsPerSecond: Double
    public var windows: [Window]

    /// - Parameters:
    ///   - until: when the workload stopped (later events, the final reads, are not counted); default: the last event.
    ///   - settleAfter: nanoseconds into a fault after which the settled rate is counted (the election timeout).
    public static func measure(_ events: [HistoryEvent], until: Int64? = nil, settleAfter: Int64 = 0) -> FaultThroughput {
        let oks = events.filter { $0.type == .ok && $0.function.isClientOperation }.map(\.time).sorted()
        let windows = faultWindows(events)
        let first = events.first { $0.function.isClientOperation }?.time ?? 0
        let last = until ?? events.last?.time ?? 0
        let healthy = median(healthyBuckets(oks, from: first, to: last, excluding: windows))
        return FaultThroughput(healthyOpsPerSecond: healthy, windows: windows.map { window in
            let settledStart = window.start + settleAfter
            let settled = window.end - settledStart >= 500_000_000 ? rate(oks, settledStart, window.end) : nil
            return Window(fault: window.fault, start: window.start, end: window.end,
                          opsPerSecond: rate(oks, window.start, window.end), settledOpsPerSecond: settled)
        })
    }

    /// Each fault event up to the next repair (restart, resume or heal), or to the next event of the nemesis.
    static func faultWindows(_ events: [HistoryEvent]) -> [(fault: String, start: Int64, end: Int64)] {
        let nemesis = events.filter { $0.process == .nemesis }
        var windows: [(String, Int64, Int64)] = []
        for (index, event) in nemesis.enumerated() where event.function.isFault {
            guard let end = nemesis[(index + 1)...].first(where: { !$0.function.isFault })?.time, end > event.time else { continue }
            var description = event.function.rawValue
            if case .string(let text) = event.value { description += " " + text }
            windows.append((description, event.time, end))
        }
        return windows
    }

    /// The ok count of every whole second in `[from, to)` that overlaps no fault window.
    static func healthyBuckets(_ oks: [Int64], from: Int64, to: Int64, excluding windows: [(fault: String, start: Int64, end: Int64)]) -> [Double] {
        var buckets: [Double] = []
        var start = from
        while start + 1_000_000_000 <= to {
            let end = start + 1_000_000_000
            if !windows.contains(where: { $0.start < end && $0.end > start }) {
                buckets.append(Double(count(oks, start, end)))
            }
            start = end
        }
        return buckets
    }

    static func rate(_ oks: [Int64], _ start: Int64, _ end: Int64) -> Double {
        Double(count(oks, start, end)) / (Double(end - start) / 1e9)
    }

    /// How many of the sorted times fall in `[start, end)`.
    static func count(_ sorted: [Int64], _ start: Int64, _ end: Int64) -> Int {
        lowerBound(sorted, end) - lowerBound(sorted, start)
    }

    static func lowerBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The summary's lines: the healthy rate, then each fault's rate and its share of it.
    public func lines() -> [String] {
        var lines = ["throughput: healthy median \(Self.format(healthyOpsPerSecond)) ok ops/s; during each fault (settled: after the first election timeout):"]
        for window in windows {
            var line = "  \(Self.format(Double(window.end - window.start) / 1e9)) s \(window.fault): \(Self.format(window.opsPerSecond)) ops/s (\(share(window.opsPerSecond)))"
            if let settled = window.settledOpsPerSecond {
                line += ", settled \(Self.format(settled)) ops/s (\(share(settled))\(settled * 2 >= healthyOpsPerSecond ? "" : ", below half"))"
            }
            lines.append(line)
        }
        return lines
    }

    private func share(_ rate: Double) -> String {
        healthyOpsPerSecond > 0 ? "\(Int((rate / healthyOpsPerSecond * 100).rounded()))%" : "no healthy rate"
    }

    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
