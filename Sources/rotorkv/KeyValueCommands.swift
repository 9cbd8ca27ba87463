import ArgumentParser
import Foundation
import RotorClient
import RotorModel

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a key. Exits 1 if it is absent.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var read: ReadOptionFlags
    @Argument(help: "The key.") var key: String

    func run() async throws {
        let response = try await withClient(connection) { client throws(KVError) in
            try await client.get(Bytes(utf8: key), options: read.readOptions)
        }
        var object: [String: Any] = ["key": key, "found": response.value != nil, "applied_index": response.appliedIndex]
        Output.put(response.value, as: "value", in: &object)
        connection.output.emit(text: response.value.map(Output.text) ?? "(not found)", json: object)
        if response.value == nil { throw ExitCode(1) }
    }
}

struct Put: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a key.",
        discussion: "Without a value argument, the value is read from standard input (all of it, bytes as they are).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The key.") var key: String
    @Argument(help: "The value; omit to read standard input.") var value: String?

    func run() async throws {
        let bytes = value.map { Bytes(utf8: $0) } ?? Bytes(FileHandle.standardInput.readDataToEndOfFile())
        let response = try await withClient(connection) { client throws(KVError) in
            try await client.put(Bytes(utf8: key), bytes)
        }
        connection.output.emit(text: "OK index=\(response.index)", json: ["key": key, "index": response.index])
    }
}

struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a key (succeeds whether or not it existed).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The key.") var key: String

    func run() async throws {
        let response = try await withClient(connection) { client throws(KVError) in try await client.delete(Bytes(utf8: key)) }
        connection.output.emit(text: "\(response.existed ? "DELETED" : "ABSENT") index=\(response.index)",
                               json: ["key": key, "existed": response.existed, "index": response.index])
    }
}

struct CompareAndSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas",
        abstract: "Set a key only if it holds an expected value (or is absent). Exits 1 if the compare fails.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("The value the key must hold now.", valueName: "value")) var expected: String?
    @Flag(help: "Require the key to be absent instead.") var absent = false
    @Argument(help: "The key.") var key: String
    @Argument(help: "The new value.") var newValue: String

    func validate() throws {
        guard (expected != nil) != absent else { throw ValidationError("give exactly one of --expected VALUE or --absent") }
    }

    func run() async throws {
        let response = try await withClient(connection) { client throws(KVError) in
            try await client.compareAndSet(Bytes(utf8: key), expected: expected.map { Bytes(utf8: $0) }, newValue: Bytes(utf8: newValue))
        }
        var object: [String: Any] = ["key": key, "succeeded": response.succeeded, "index": response.index]
        if !response.succeeded { Output.put(response.current, as: "current", in: &object) }
        let text = response.succeeded
            ? "OK index=\(response.index)"
            : "COMPARE FAILED: current value is \(response.current.map { "\"\(Output.text($0))\"" } ?? "absent")"
        connection.output.emit(text: text, json: object)
        if !response.succeeded { throw ExitCode(1) }
    }
}

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List keys in byte order over [start, end).",
        discussion: """
            Prints one "key<TAB>value" line per entry, up to --limit entries. A
            server ends a page early past its [limits] max_scan_bytes; the pages
            are followed (by continuation) until --limit entries or the end of
            the range. With --all, keeps going to the end of the range, --limit
            entries per request.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var read: ReadOptionFlags
    @Option(help: "First key (inclusive); default: the beginning.") var start = ""
    @Option(help: "End key (exclusive); default: no end.") var end: String?
    @Option(help: "The most entries to print (with --all: per request).") var limit: Int32 = 100
    @Flag(help: "Keep going until the end of the range.") var all = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let pages = try await withClient(connection) { client throws(KVError) in try await fetch(client) }
        let entries = pages.flatMap(\.entries)
        let continuation = pages.last?.continuation
        if connection.json {
            var object: [String: Any] = ["entries": entries.map(Self.json), "applied_index": pages.last?.appliedIndex ?? 0]
            Output.put(continuation, as: "continuation", in: &object)
            print(Output.encode(object))
            return
        }
        for entry in entries { print("\(Output.text(entry.key))\t\(Output.text(entry.value))") }
        if let continuation {
            FileHandle.standardError.write(Data("(more: continue with --start \(Output.text(continuation)))\n".utf8))
        }
    }

    /// Pages until --limit entries (or, with --all, the end of the range) or the range ends.
    private func fetch(_ client: RotorKVClient) async throws(KVError) -> [ScanResponse] {
        var pages: [ScanResponse] = []
        var cursor = Bytes(utf8: start)
        var printed = 0
        while true {
            let want = all ? limit : limit - Int32(printed)
            let page = try await client.scan(from: cursor, to: end.map { Bytes(utf8: $0) }, limit: want, options: read.readOptions)
            pages.append(page)
            printed += page.entries.count
            guard let next = page.continuation, all || printed < Int(limit) else { return pages }
            cursor = next
        }
    }

    private static func json(_ entry: KeyValue) -> [String: Any] {
        var object: [String: Any] = [:]
        Output.put(entry.key, as: "key", in: &object)
        Output.put(entry.value, as: "value", in: &object)
        return object
    }
}

struct Ping: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that a replica answers, and how fast.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let started = ContinuousClock.now
        try await withClient(connection) { client throws(KVError) in try await client.ping() }
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        connection.output.emit(text: "PONG (\(micros) µs, including connect)", json: ["ok": true, "micros": micros])
    }
}
