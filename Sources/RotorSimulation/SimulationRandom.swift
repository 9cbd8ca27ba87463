import RotorModel

/// The simulator's only source of randomness: SplitMix64 from the seed, so
/// that a run is a pure function of its seed.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        p > 0 && Double(next() >> 11) / Double(1 << 53) < p
    }

    /// Uniform in `range`.
    public mutating func between(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    public mutating func pick<T>(_ values: [T]) -> T {
        values[Int(next() % UInt64(values.count))]
    }
}

/// Virtual time helpers: the simulator counts nanoseconds.
public enum VirtualTime {
    public static func milliseconds(_ value: Int64) -> Int64 { value * 1_000_000 }
    public static func seconds(_ value: Int64) -> Int64 { value * 1_000_000_000 }
}
