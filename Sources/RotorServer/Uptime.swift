/// Whole milliseconds since `start`, as `status` reports a replica's uptime.
public func millisecondsSince(_ start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
}
