import ArgumentParser
import Dispatch
import Foundation
import RotorClient
import RotorModel
import RotorServer
import RotorTorture

struct Torture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attack a local 3-replica cluster with faults, record what clients saw, and judge it (Jepsen-style).",
        discussion: """
            Starts three rotorkv-server processes (found beside rotorkv, or on $PATH, or
            --server-binary) in a fresh directory, runs --clients concurrent clients for
            --duration seconds while a nemesis injects one fault at a time (--nemesis:
            kill = kill -9 and restart, pause = SIGSTOP/SIGCONT, partition = cut a replica
            off, symmetric or one-way (a replica that cannot send, or a leader that cannot
            hear), wipe = kill -9, delete the data directory and restart; all = every
            one), then heals
            everything and checks:
              - linearizability of every key's history (LINEARIZABLE reads, writes,
                deletes, compareAndSets);
              - that no acknowledged write was lost (a final linearizable read per key);
              - that every LOCAL read with min_index saw its client's last write or later;
              - that all replicas converge to one state digest.
            The history is written as JSON Lines (--history). Every process started is
            stopped on success, failure or Ctrl-C. Exit status: 0 when every check
            passes, 1 on a violation (named with the key and operations), 2 when the
            run could not be carried out.

            Example: rotorkv torture --duration 600 --nemesis all
            """)

    @Option(help: "Seconds of workload and faults.") var duration: Double = 60
    @Option(help: "Concurrent clients.") var clients = 8
    @Option(help: "Size of the key set.") var keys = 5
    @Option(help: ArgumentHelp("Faults to inject, comma-separated: kill, pause, partition, wipe (or all, or none).", valueName: "kinds"))
    var nemesis = "kill,pause,partition,wipe"
    @Option(help: "Faults per minute (each healed before the next).") var rate: Double = 12
    @Option(help: "Seed of the workload and the fault schedule.") var seed: UInt64 = UInt64(UInt32.random(in: 1...UInt32.max))
    @Option(help: ArgumentHelp("Where to write the history (JSON Lines); default: history.jsonl in the run directory.", valueName: "path"))
    var history: String?
    @Option(help: ArgumentHelp("The run directory (data, configs, replica logs); default: a new temporary directory.", valueName: "path"))
    var directory: String?
    @Option(help: ArgumentHelp("The rotorkv-server binary.", valueName: "path")) var serverBinary: String?
    @Option(help: ArgumentHelp("""
        Attach to a running cluster instead of starting one: the configuration file of one of its replicas         (endpoints and cluster secret). Only the partition fault is possible, and only if the replicas run with         [testing] allow_fault_injection; keys are named after the seed so they start absent.
        """, valueName: "replica.toml"))
    var attach: String?
    @Option(help: "Each request's deadline, in seconds: past it, a write's outcome is unknown.") var requestTimeout: Double = 2
    @Option(help: "The replicas' election timeout, in milliseconds.") var electionTimeoutMs = 500
    @Flag(help: "Keep the run directory even when every check passes.") var keep = false
    @Option(help: ArgumentHelp("""
        How partitions are made: netns (each replica in its own network namespace, partitions are blackhole         routes; needs root and iproute2), rpc (the fault-injection RPC), or auto (netns when possible).
        """, valueName: "auto|netns|rpc"))
    var network = "auto"

    var nemesisKinds: [NemesisKind] {
        get throws {
            if nemesis == "none" || nemesis.isEmpty { return [] }
            if nemesis == "all" { return NemesisKind.allCases }
            return try nemesis.split(separator: ",").map { name in
                guard let kind = NemesisKind(rawValue: String(name)) else {
                    throw ValidationError("--nemesis: unknown fault \"\(name)\"; choose from kill, pause, partition, wipe, all, none")
                }
                return kind
            }
        }
    }

    func validate() throws {
        guard duration > 0, clients >= 1, keys >= 1, rate > 0, requestTimeout > 0 else {
            throw ValidationError("--duration, --clients, --keys, --rate and --request-timeout must be positive")
        }
        guard electionTimeoutMs >= 50 else { throw ValidationError("--election-timeout-ms must be at least 50") }
        guard ["auto", "netns", "rpc"].contains(network) else { throw ValidationError("--network must be auto, netns or rpc") }
        let kinds = try nemesisKinds
        if attach != nil, kinds.contains(where: { $0 != .partition }) {
            throw ValidationError("--attach: this tool does not own those processes, so it cannot kill or pause them; use --nemesis partition or none")
        }
    }

    var keyPrefix: String { attach == nil ? "k" : "torture-\(seed)-k" }

    func run() async throws {
        let runDirectory = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("rotorkv-torture-\(UUID().uuidString.prefix(8))")
        let cluster = try makeCluster(in: runDirectory)
        let interrupts = stopOnSignals(cluster)
        defer { interrupts.forEach { $0.cancel() } }
        let report: TortureReport
        do {
            report = try await torture(cluster, kinds: try nemesisKinds)
        } catch {
            cluster.stopAll()
            throw failure("\(error); the run directory is \(runDirectory.path)")
        }
        cluster.stopAll()
        print(report.summary())
        if report.passed && !keep && directory == nil && history == nil {
            try? FileManager.default.removeItem(at: runDirectory)
        } else {
            print("run directory: \(runDirectory.path)")
        }
        if !report.passed { throw ExitCode(1) }
    }

    private func makeCluster(in runDirectory: URL) throws -> TortureCluster {
        if let attach {
            let configuration: ServerConfiguration
            do {
                configuration = try ConfigurationLoader.load(path: attach)
            } catch {
                throw failure("--attach \(attach): \(error)")
            }
            guard configuration.replicaEndpoints.count == 3, let secret = configuration.security.clusterSecret else {
                throw failure("--attach \(attach): expected a replicated configuration with three replica_endpoints and a cluster_secret")
            }
            return try TortureCluster(attachingTo: configuration.replicaEndpoints, secret: secret, directory: runDirectory)
        }
        guard let binary = serverBinary.map({ URL(fileURLWithPath: $0) }) ?? TortureCluster.locateServer() else {
            throw failure("cannot find rotorkv-server beside rotorkv or on $PATH; pass --server-binary")
        }
        let namespaces = try makeNetwork()
        do {
            return try TortureCluster(binary: binary, directory: runDirectory, electionTimeoutMilliseconds: electionTimeoutMs,
                                      network: namespaces)
        } catch {
            namespaces?.destroy()
            throw failure("cannot prepare the cluster: \(error)")
        }
    }

    /// Network namespaces for the replicas, if `--network` asks for them (or `auto` finds them possible).
    private func makeNetwork() throws -> TortureNetwork? {
        guard network != "rpc" else { return nil }
        guard TortureNetwork.available() else {
            if network == "netns" { throw failure("--network netns needs root and iproute2 (ip netns)") }
            progress("network namespaces are not available (not root, or no iproute2): partitions use the fault-injection RPC")
            return nil
        }
        let namespaces = TortureNetwork()
        do {
            try namespaces.create()
        } catch {
            namespaces.destroy()
            if network == "netns" { throw failure("cannot create the network namespaces: \(error)") }
            progress("cannot create network namespaces (\(error)): partitions use the fault-injection RPC")
            return nil
        }
        progress("replicas run in network namespaces on \(namespaces.subnet).0/24; partitions are blackhole routes")
        return namespaces
    }

    /// The whole run against a started cluster: workload and faults, heal, final reads, verdict.
    private func torture(_ cluster: TortureCluster, kinds: [NemesisKind]) async throws -> TortureReport {
        let historyPath = history ?? cluster.directory.appendingPathComponent("history.jsonl").path
        let writer = try HistoryWriter(path: historyPath)
        let clock = TortureClock()
        if cluster.ownsProcesses {
            progress("starting 3 replicas in \(cluster.directory.path) (seed \(seed))")
            for replica in 0..<3 { try await cluster.start(replica) }
        } else {
            progress("attached to \(cluster.endpoints.map(\.description).joined(separator: ", ")) (seed \(seed))")
        }
        try await waitForHealthy(cluster, within: .seconds(30))
        let workload = TortureWorkload(endpoints: cluster.endpoints, settings: .init(
            clients: clients, keys: keys, keyPrefix: keyPrefix, requestTimeout: .milliseconds(Int64(requestTimeout * 1000)), seed: seed),
            history: writer, clock: clock)
        let nemesis = TortureNemesis(cluster: cluster, kinds: kinds, interval: .seconds(60 / rate), seed: seed, history: writer, clock: clock)
        let deadline = ContinuousClock.now + .milliseconds(Int64(duration * 1000))
        progress("running \(clients) clients on \(keys) keys for \(Int(duration)) s, faults: \(kinds.isEmpty ? "none" : kinds.map(\.rawValue).joined(separator: ","))")
        async let load: Void = workload.run()
        async let faults: Void = nemesis.run(until: deadline)
        await showProgress(until: deadline, workload: workload, nemesis: nemesis)
        workload.stop()
        _ = await (load, faults)
        let workloadEnd = clock.now()
        progress("healing: every replica up, resumed and reconnected")
        try await heal(cluster, nemesis: nemesis)
        try await finalReads(cluster, writer: writer, clock: clock, firstProcess: workloadProcessCeiling(writer))
        let digests = await convergedDigests(cluster, within: .seconds(30))
        try writer.close()
        progress("checking \(writer.events.count) events")
        return TortureVerdict.check(events: writer.events, clients: clients, finalDigests: digests, workloadEnd: workloadEnd,
                                    electionTimeout: Int64(electionTimeoutMs) * 1_000_000)
    }

    // MARK: Phases

    private func heal(_ cluster: TortureCluster, nemesis: TortureNemesis) async throws {
        for replica in cluster.pausedReplicas { cluster.resume(replica) }
        for replica in 0..<3 where !cluster.running.contains(replica) { try await cluster.start(replica) }
        await nemesis.healPartitions()
        try await waitForHealthy(cluster, within: .seconds(60))
    }

    /// A process number above every one the workload used, for the final reads.
    private func workloadProcessCeiling(_ writer: HistoryWriter) -> Int {
        let highest = writer.events.compactMap { event -> Int? in
            if case .client(let process) = event.process { return process }
            return nil
        }.max() ?? 0
        return highest + clients + 1
    }

    /// One linearizable read of every key, retried until it succeeds, each by a fresh process.
    private func finalReads(_ cluster: TortureCluster, writer: HistoryWriter, clock: TortureClock, firstProcess: Int) async throws {
        let client = RotorKVClient(configuration: ClientConfiguration(endpoints: cluster.endpoints, defaultTimeout: .seconds(5)))
        defer { Task { await client.shutdown() } }
        var process = firstProcess
        for index in 0..<keys {
            let key = "\(keyPrefix)\(index)"
            var done = false
            for _ in 0..<12 where !done {
                let invoke = HistoryEvent(process: .client(process), type: .invoke, function: .read, key: key, value: .null, time: clock.now())
                writer.append(invoke)
                var completion = invoke
                do {
                    let response = try await client.get(Bytes(key.utf8), options: ReadOptions(consistency: .linearizable))
                    completion.type = .ok
                    completion.value = response.value.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null
                    done = true
                } catch {
                    completion.type = .fail
                }
                completion.time = max(clock.now(), invoke.time + 1)
                writer.append(completion)
                process += 1
            }
            guard done else { throw TortureError("the final read of \(key) kept failing after the heal") }
        }
    }

    /// Waits until the three replicas report one applied index and one digest; nil if they never do.
    private func convergedDigests(_ cluster: TortureCluster, within limit: Duration) async -> [Int: (appliedIndex: Int64, digest: UInt64)]? {
        let deadline = ContinuousClock.now + limit
        var last: [Int: (appliedIndex: Int64, digest: UInt64)] = [:]
        while ContinuousClock.now < deadline {
            last = await statuses(cluster).compactMapValues { status in status.stateDigest.map { (status.appliedIndex, $0) } }
            if last.count == 3, Set(last.values.map(\.appliedIndex)).count == 1, Set(last.values.map(\.digest)).count == 1 { return last }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return last.isEmpty ? nil : last
    }

    private func waitForHealthy(_ cluster: TortureCluster, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let statuses = await statuses(cluster)
            let roles = statuses.values.map(\.role)
            if statuses.count == 3, roles.filter({ $0 == .leader }).count == 1, roles.allSatisfy({ $0 == .leader || $0 == .follower }),
               Set(statuses.values.map(\.term)).count == 1, statuses.values.allSatisfy({ $0.appliedIndex >= 1 }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TortureError("the cluster did not become healthy (one leader, two followers) within \(limit)")
    }

    private func statuses(_ cluster: TortureCluster) async -> [Int: ReplicaStatus] {
        var result: [Int: ReplicaStatus] = [:]
        for replica in 0..<3 {
            let client = RotorKVClient(configuration: ClientConfiguration(endpoints: [cluster.endpoints[replica]], defaultTimeout: .seconds(1)))
            result[replica] = try? await client.status(timeout: .seconds(1))
            await client.shutdown()
        }
        return result
    }

    // MARK: Output

    private func showProgress(until deadline: ContinuousClock.Instant, workload: TortureWorkload, nemesis: TortureNemesis) async {
        let started = ContinuousClock.now
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.seconds(1), deadline - ContinuousClock.now))
            let counts = workload.currentCounts
            let elapsed = Int((ContinuousClock.now - started).components.seconds)
            progress("[\(elapsed)/\(Int(duration)) s] \(counts.invoked) ops: \(counts.ok) ok, \(counts.fail) fail, \(counts.info) info; "
                     + "\(nemesis.faultsInjected) faults\(nemesis.activeFault.map { "; now: \($0)" } ?? "")")
        }
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("torture: \(line)\n".utf8))
    }

    private func failure(_ message: String) -> ExitCode {
        progress("error: \(message)")
        return ExitCode(2)
    }

    /// Ctrl-C or SIGTERM: stop every replica we started, then exit 130.
    private func stopOnSignals(_ cluster: TortureCluster) -> [any DispatchSourceSignal] {
        let numbers: [Int32] = [SIGINT, SIGTERM]
        return numbers.map { (number: Int32) -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("torture: interrupted; stopping the replicas\n".utf8))
                cluster.stopAll()
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
    }
}
