import Foundation
import NIOConcurrencyHelpers
import RotorModel
import RotorTestSupport

/// Three `rotorkv-server` processes on loopback, each with its own data
/// directory and log file, attacked with real signals.
final class ProcessCluster: ClusterHarness {
    let endpoints: [Endpoint]
    let electionTimeout: Duration
    let secret = "process-test-secret-0123456789"
    let canPause = true
    let clientToken: String? = nil
    let directory: URL
    private let binary: URL
    private let processes = NIOLockedValueBox<[Int: Process]>([:])
    private let configure: @Sendable (Int, String?) -> String

    /// The server binary: $ROTORKV_SERVER_BIN, or the one built beside the tests.
    static var serverBinary: URL? {
        if let path = ProcessInfo.processInfo.environment["ROTORKV_SERVER_BIN"] { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rotorkv-server")
        for candidate in [beside, beside.deletingLastPathComponent().appendingPathComponent("rotorkv-server")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return nil
    }

    /// `faultInjection` lets the replicas be partitioned (`isolate`, `heal`).
    /// `initialClusterState` goes into every replica's `[deployment]`; only `start` are started.
    init(electionTimeoutMilliseconds: Int = 1000, fsync: String = "never", storage: String = "", logLevel: String? = nil,
         faultInjection: Bool = false, initialClusterState: String? = nil, start: [Int] = [0, 1, 2]) async throws {
        guard let binary = Self.serverBinary else { throw ClusterTestError("rotorkv-server is not built; set ROTORKV_SERVER_BIN") }
        self.binary = binary
        let ports = try freeLoopbackPorts(3)
        endpoints = ports.map { Endpoint(host: "127.0.0.1", port: $0) }
        electionTimeout = .milliseconds(electionTimeoutMilliseconds)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotorkv-processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (directory, secret) = (directory, secret)
        configure = { id, state in
            clusterConfiguration(id: id, ports: ports, dataDirectory: directory.appendingPathComponent("replica-\(id)").path,
                                 secret: secret, electionTimeoutMilliseconds: electionTimeoutMilliseconds,
                                 fsync: fsync, storage: storage, logLevel: logLevel, faultInjection: faultInjection,
                                 initialClusterState: state)
        }
        for id in 0..<3 { try setInitialClusterState(initialClusterState, of: id) }
        for id in start { try await restart(id) }
    }

    /// Rewrites a replica's configuration with another `initial_cluster_state` (nil: the default), for its next start.
    func setInitialClusterState(_ state: String?, of replica: Int) throws {
        try configure(replica, state).write(to: configurationFile(replica), atomically: true, encoding: .utf8)
    }

    private func configurationFile(_ id: Int) -> URL { directory.appendingPathComponent("replica-\(id).toml") }
    func logFile(_ id: Int) -> URL { directory.appendingPathComponent("replica-\(id).log") }

    func restart(_ replica: Int) async throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--config", configurationFile(replica).path]
        if !FileManager.default.fileExists(atPath: logFile(replica).path) {
            _ = FileManager.default.createFile(atPath: logFile(replica).path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile(replica))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes.withLockedValue { $0[replica] = process }
        // Wait until it listens.
        let client = self.client(of: replica, timeout: .milliseconds(300))
        defer { Task { await client.shutdown() } }
        for _ in 0..<200 {
            if (try? await client.ping(timeout: .milliseconds(300))) != nil { return }
            guard process.isRunning else { throw ClusterTestError("replica \(replica) exited at start; see \(logFile(replica).path)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ClusterTestError("replica \(replica) does not answer ping; see \(logFile(replica).path)")
    }

    func dataDirectory(_ replica: Int) -> URL { directory.appendingPathComponent("replica-\(replica)") }

    /// Deletes a (stopped) replica's data directory: the disk was lost or replaced.
    func wipe(_ replica: Int) throws {
        try FileManager.default.removeItem(at: dataDirectory(replica))
    }

    /// kill -9 of every replica at once, then waits for all to exit.
    func killAll() async {
        let all = processes.withLockedValue { processes in
            defer { processes = [:] }
            return Array(processes.values)
        }
        for process in all { Foundation.kill(process.processIdentifier, SIGKILL) }
        for process in all { await Self.waitForExit(process) }
    }

    func kill(_ replica: Int) async throws {
        guard let process = processes.withLockedValue({ $0.removeValue(forKey: replica) }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        await Self.waitForExit(process)
    }

    /// Polls rather than blocking a thread of the cooperative pool in `waitUntilExit`.
    private static func waitForExit(_ process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }

    func pause(_ replica: Int) async throws { try signal(replica, SIGSTOP) }
    func resume(_ replica: Int) async throws { try signal(replica, SIGCONT) }

    private func signal(_ replica: Int, _ number: Int32) throws {
        guard let process = processes.withLockedValue({ $0[replica] }) else { throw ClusterTestError("replica \(replica) is not running") }
        Foundation.kill(process.processIdentifier, number)
    }

    /// A failed test keeps the replicas' logs and data.
    func keepEvidence() {
        print("replica logs kept in \(directory.path) (set ROTORKV_KEEP_TEST_FILES to keep them always)")
        setenv("ROTORKV_KEEP_TEST_FILES", "1", 1)
    }

    /// Stops every process (SIGCONT first, in case one is paused), and removes the files unless ROTORKV_KEEP_TEST_FILES is set.
    func shutdown() async {
        let all = processes.withLockedValue { processes in
            defer { processes = [:] }
            return Array(processes.values)
        }
        for process in all {
            Foundation.kill(process.processIdentifier, SIGCONT)
            Foundation.kill(process.processIdentifier, SIGKILL)
            await Self.waitForExit(process)
        }
        if ProcessInfo.processInfo.environment["ROTORKV_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
