import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix
import RotorClient
import RotorModel

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Closed-loop load generator with HdrHistogram latency percentiles.",
        discussion: """
            Opens --connections connections spread over the --server list, keeps
            --depth calls outstanding on each (pipelining), and reports throughput
            and latency percentiles (p50/p90/p99/p99.9/max) for gets and puts.
            Keys are --key-size-byte zero-padded decimal indexes in [0, --keys).
            Unless --no-preload, every key is written once before the run so that
            gets find values. A progress line is printed to stderr each second.

            Example: rotorkv bench --connections 16 --duration 10 --read-ratio 0.9
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Connections to open.") var connections = 16
    @Option(help: "Calls kept in flight on each connection (1 = no pipelining).") var depth = 1
    @Option(help: "Seconds to measure.") var duration: Double = 10
    @Option(help: "Seconds of unmeasured load before measuring.") var warmup: Double = 1
    @Option(help: "Size of the key space.") var keys = 100_000
    @Option(name: .customLong("key-size"), help: "Bytes per key.") var keySize = 16
    @Option(name: .customLong("value-size"), help: "Bytes per value.") var valueSize = 100
    @Option(name: .customLong("read-ratio"), help: "Fraction of operations that are gets (0 = all puts, 1 = all gets).")
    var readRatio: Double = 0.5
    @Option(help: "Consistency of the gets: local or linearizable.") var consistency: ReadConsistency = .local
    @Flag(name: .customLong("no-preload"), help: "Skip writing every key before the run.") var noPreload = false
    @Option(help: "Client event-loop threads.") var threads = 2
    @Option(help: "Seed of the key and operation choice.") var seed: UInt64 = 1

    func validate() throws {
        guard connections >= 1, depth >= 1, threads >= 1 else { throw ValidationError("--connections, --depth and --threads must be at least 1") }
        guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive and --warmup not negative") }
        guard (0...1).contains(readRatio) else { throw ValidationError("--read-ratio must be between 0 and 1") }
        guard keys >= 1, keySize >= 1, valueSize >= 0 else { throw ValidationError("--keys and --key-size must be at least 1") }
        guard workload.keysFit else { throw ValidationError("--key-size \(keySize) is too small to spell \(keys) distinct keys") }
    }

    var workload: BenchWorkload {
        BenchWorkload(keyCount: keys, keySize: keySize, valueSize: valueSize, readRatio: readRatio, consistency: consistency)
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            try await run(on: group)
            try? await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws {
        let endpoints = connection.endpoints
        var opened: [ClientConnection] = []
        do {
            for i in 0..<connections {
                opened.append(try await ClientConnection.connect(to: endpoints[i % endpoints.count], on: group, timeout: .seconds(5),
                                                                 clientToken: connection.clientToken).get())
            }
        } catch {
            FileHandle.standardError.write(Data("rotorkv bench: cannot connect: \(error)\n".utf8))
            throw ExitCode(3)
        }
        if readRatio > 0 && !noPreload { try await preload(opened) }
        let (stats, elapsed) = try await measure(opened)
        for connection in opened { await connection.close() }
        report(stats, elapsed: elapsed)
        if stats.operations == 0 { throw ExitCode(3) }
    }

    private func preload(_ connections: [ClientConnection]) async throws {
        let batch = 256
        var next = 0
        var lastShown = ContinuousClock.now
        let value = Bytes(repeating: UInt8(ascii: "v"), count: valueSize)
        while next < keys {
            var futures: [EventLoopFuture<ClientResponse>] = []
            for connection in connections where next < keys {
                let upper = min(next + batch, keys)
                let requests = (next..<upper).map { ClientRequest.put(PutRequest(key: workload.key($0), value: value)) }
                next = upper
                futures.append(contentsOf: try await connection.eventLoop.submit {
                    let sent = requests.map { connection.sendWithoutFlush($0) }
                    connection.flush()
                    return sent
                }.get())
            }
            for future in futures { _ = try await future.get() }
            if ContinuousClock.now - lastShown > .milliseconds(500) {
                progress("preloading \(next * 100 / keys)% of \(keys) keys")
                lastShown = ContinuousClock.now
            }
        }
        progress("preloaded \(keys) keys\n")
    }

    private func measure(_ connections: [ClientConnection]) async throws -> (BenchStats, Double) {
        var drivers: [NIOLoopBound<BenchDriver>] = []
        for (index, connection) in connections.enumerated() {
            let (workload, depth, seed) = (workload, depth, seed &+ UInt64(index) &* 7919)
            drivers.append(try await connection.eventLoop.submit {
                NIOLoopBound(BenchDriver(connection: connection, workload: workload, depth: depth, seed: seed), eventLoop: connection.eventLoop)
            }.get())
        }
        _ = try await onEach(drivers) { $0.start() }
        if warmup > 0 {
            progress("warming up for \(warmup) s")
            try await Task.sleep(for: .milliseconds(Int64(warmup * 1000)))
        }
        _ = try await onEach(drivers) { $0.measure() }
        let started = ContinuousClock.now
        let end = started + .milliseconds(Int64(duration * 1000))
        var second = 0
        while ContinuousClock.now < end {
            try await Task.sleep(until: min(end, started + .seconds(second + 1)))
            second += 1
            var window = BenchStats()
            for stats in try await onEach(drivers, { $0.takeInterval() }) { window.add(stats) }
            let elapsed = ContinuousClock.now - started
            progress(String(format: "[%5.1fs/%.0fs] %9.0f ops/s  p50 %6.1f µs  p99 %7.1f µs  errors %d",
                            seconds(elapsed), duration, Double(window.operations) / min(1, seconds(elapsed)),
                            micros(window.all.valueAtPercentile(50)), micros(window.all.valueAtPercentile(99)), window.errorCount))
        }
        let elapsed = ContinuousClock.now - started
        for driver in drivers {
            try await driver.eventLoop.flatSubmit { driver.value.drain() }.get()
        }
        progress("\n")
        var total = BenchStats()
        for stats in try await onEach(drivers, { $0.totals }) { total.add(stats) }
        return (total, seconds(elapsed))
    }

    private func onEach<T: Sendable>(_ drivers: [NIOLoopBound<BenchDriver>], _ body: @escaping @Sendable (BenchDriver) -> T) async throws -> [T] {
        var results: [T] = []
        for driver in drivers {
            results.append(try await driver.eventLoop.submit { body(driver.value) }.get())
        }
        return results
    }

    private func report(_ stats: BenchStats, elapsed: Double) {
        let rate = Double(stats.operations) / elapsed
        if connection.json {
            var object: [String: Any] = [
                "connections": connections, "depth": depth, "duration_s": duration, "keys": keys, "key_size": keySize,
                "value_size": valueSize, "read_ratio": readRatio, "consistency": "\(consistency)", "servers": connection.servers,
                "operations": stats.operations, "ops_per_sec": rate.rounded(),
                "errors": Dictionary(uniqueKeysWithValues: stats.errors.map { ("\($0.key)", $0.value) }),
                "latency_us": latency(stats.all),
            ]
            if stats.reads.totalCount > 0 { object["get"] = ["operations": stats.reads.totalCount, "latency_us": latency(stats.reads)] }
            if stats.writes.totalCount > 0 { object["put"] = ["operations": stats.writes.totalCount, "latency_us": latency(stats.writes)] }
            print(Output.encode(object))
            return
        }
        print("rotorkv bench: \(connections) connections × depth \(depth), \(format(duration)) s, \(keys) keys of \(keySize) B, "
              + "\(valueSize)-byte values, \(Int(readRatio * 100))% gets (\(consistency))")
        print(String(format: "throughput  %.0f ops/s (%llu operations, %d errors)", rate, stats.operations, stats.errorCount))
        for (name, histogram) in [("all", stats.all), ("get", stats.reads), ("put", stats.writes)] where histogram.totalCount > 0 {
            let l = latency(histogram)
            print(String(format: "%@ latency µs  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
                         name.padding(toLength: 3, withPad: " ", startingAt: 0),
                         l["p50"]!, l["p90"]!, l["p99"]!, l["p99.9"]!, l["max"]!))
        }
        for (code, count) in stats.errors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            print("errors \(code): \(count)")
        }
    }

    private func latency(_ histogram: Histogram<UInt64>) -> [String: Double] {
        ["p50": micros(histogram.valueAtPercentile(50)), "p90": micros(histogram.valueAtPercentile(90)),
         "p99": micros(histogram.valueAtPercentile(99)), "p99.9": micros(histogram.valueAtPercentile(99.9)),
         "max": micros(histogram.max)]
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
}

private func micros(_ nanos: UInt64) -> Double { (Double(nanos) / 100).rounded() / 10 }
private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
private func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
