import Foundation
import RotorClient
import RotorModel
import RotorTestSupport

/// The three `rotorkv-server` processes `rotorkv torture` owns: a fresh
/// temporary data directory, free loopback ports, `fsync = "always"`, small
/// snapshot intervals (so compaction and state transfer happen under the
/// faults), and `[testing] allow_fault_injection` for partitions.
///
/// Every process it started is stopped by `stopAll()`, which the command
/// calls on success, failure and Ctrl-C.
final class TortureCluster: @unchecked Sendable {
    let endpoints: [Endpoint]
    let secret: String
    let directory: URL
    let electionTimeoutMilliseconds: Int
    /// nil when attached to a cluster this tool did not start: it cannot kill,
    /// pause or restart those processes, only partition them.
    private let binary: URL?
    private let lock = NSLock()
    private var processes: [Int: Process] = [:]
    private var paused: Set<Int> = []

    /// Network namespaces the replicas run in, when partitions are made with packet routes.
    let network: TortureNetwork?

    init(binary: URL, directory: URL, electionTimeoutMilliseconds: Int, network: TortureNetwork?) throws {
        self.binary = binary
        self.directory = directory
        self.electionTimeoutMilliseconds = electionTimeoutMilliseconds
        self.network = network
        self.secret = "torture-" + UUID().uuidString
        if let network {
            // Each replica has its own namespace, hence its own port space.
            endpoints = (0..<3).map { Endpoint(host: network.address(of: $0), port: 9090) }
        } else {
            endpoints = try freeLoopbackPorts(3).map { Endpoint(host: "127.0.0.1", port: $0) }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for id in 0..<3 {
            try configuration(id).write(to: configurationFile(id), atomically: true, encoding: .utf8)
        }
    }

    /// Attaches to a running cluster (`--attach`): its endpoints and secret come from a replica's configuration.
    init(attachingTo endpoints: [Endpoint], secret: String, directory: URL) throws {
        precondition(endpoints.count == 3, "torture runs against three replicas")
        self.binary = nil
        self.network = nil
        self.endpoints = endpoints
        self.secret = secret
        self.directory = directory
        self.electionTimeoutMilliseconds = 0
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var ownsProcesses: Bool { binary != nil }

    /// `rotorkv-server` beside this `rotorkv`, or on `$PATH`.
    static func locateServer() -> URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("rotorkv-server")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("rotorkv-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    func configurationFile(_ id: Int) -> URL { directory.appendingPathComponent("replica-\(id).toml") }
    func logFile(_ id: Int) -> URL { directory.appendingPathComponent("replica-\(id).log") }

    private func configuration(_ id: Int) -> String {
        """
        [deployment]
        mode = "replicated"
        instance_id = \(id)
        replica_endpoints = [\(endpoints.map { "\"\($0)\"" }.joined(separator: ", "))]
        [server]
        event_loop_threads = 1
        [consensus]
        election_timeout_ms = \(electionTimeoutMilliseconds)
        heartbeat_interval_ms = \(max(10, electionTimeoutMilliseconds / 10))
        request_timeout_ms = \(electionTimeoutMilliseconds * 3)
        [storage]
        data_dir = "\(directory.appendingPathComponent("replica-\(id)").path)"
        fsync = "always"
        snapshot_every_entries = 2000
        retained_entries = 200
        segment_bytes = 262144
        [security]
        cluster_secret = "\(secret)"
        [testing]
        allow_fault_injection = true
        [logging]
        level = "notice"
        """
    }

    // MARK: Processes

    /// The replicas up (all of an attached cluster, as far as this tool knows).
    var running: Set<Int> { ownsProcesses ? lock.withLock { Set(processes.keys) } : Set(0..<endpoints.count) }
    var pausedReplicas: Set<Int> { lock.withLock { paused } }

    /// Starts replica `id` and waits until it answers ping.
    func start(_ id: Int) async throws {
        guard let binary else { throw TortureError("replica \(id) belongs to an attached cluster; this tool cannot start it") }
        let process = Process()
        if let network {
            let (executable, arguments) = network.wrap(id, binary.path, ["--config", configurationFile(id).path])
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = binary
            process.arguments = ["--config", configurationFile(id).path]
        }
        if !FileManager.default.fileExists(atPath: logFile(id).path) {
            FileManager.default.createFile(atPath: logFile(id).path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile(id))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        lock.withLock { processes[id] = process }
        let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [endpoints[id]], defaultTimeout: .milliseconds(300)))
        defer { Task { await client.shutdown() } }
        for _ in 0..<400 {
            if (try? await client.ping(timeout: .milliseconds(300))) != nil { return }
            guard process.isRunning else { throw TortureError("replica \(id) exited at start; see \(logFile(id).path)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TortureError("replica \(id) does not answer ping; see \(logFile(id).path)")
    }

    /// kill -9, then waits for the exit.
    func kill(_ id: Int) async {
        guard let process = lock.withLock({ () -> Process? in
            paused.remove(id)
            return processes.removeValue(forKey: id)
        }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Deletes replica `id`'s data directory (it must be stopped): a lost disk.
    func wipe(_ id: Int) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("replica-\(id)"))
    }

    func pause(_ id: Int) {
        guard let process = lock.withLock({ processes[id] }) else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
        _ = lock.withLock { paused.insert(id) }
    }

    func resume(_ id: Int) {
        guard let process = lock.withLock({ processes[id] }) else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
        _ = lock.withLock { paused.remove(id) }
    }

    /// Stops every process this cluster started (SIGCONT first, in case one is paused). Safe from a signal handler's queue.
    func stopAll() {
        let all = lock.withLock { () -> [Process] in
            defer { processes = [:]; paused = [] }
            return Array(processes.values)
        }
        for process in all {
            Foundation.kill(process.processIdentifier, SIGCONT)
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
        for process in all { process.waitUntilExit() }
        network?.destroy()
    }
}

struct TortureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
