import Foundation
import NIOCore
import NIOPosix
import RotorClient
import RotorModel

/// A running 3-replica cluster that a scenario can attack. Two shells drive
/// the same consensus core: `InProcessCluster` (three replicas in this
/// process, real sockets) and `ProcessCluster` (three `rotorkv-server`
/// processes), so one scenario body runs against both.
protocol ClusterHarness: AnyObject, Sendable {
    var endpoints: [Endpoint] { get }
    var electionTimeout: Duration { get }
    /// Whether `pause`/`resume` (SIGSTOP/SIGCONT) are available.
    var canPause: Bool { get }
    /// Abrupt stop: `kill -9` for a process, an immediate shutdown in process.
    func kill(_ replica: Int) async throws
    /// Starts a stopped replica again on its data directory.
    func restart(_ replica: Int) async throws
    func pause(_ replica: Int) async throws
    func resume(_ replica: Int) async throws
    func shutdown() async
    /// The cluster secret its replicas share.
    var secret: String { get }
    /// The replicas' client token, if they require one.
    var clientToken: String? { get }
    /// Called when a test failed, before `shutdown`: keep what explains the failure.
    func keepEvidence()
}

extension ClusterHarness {
    func keepEvidence() {}

    /// Runs `body`, then shuts the cluster down whether it threw or not.
    func run(_ body: (Self) async throws -> Void) async throws {
        do {
            try await body(self)
        } catch {
            keepEvidence()
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// A client of exactly one replica: no redirects elsewhere, so what it sees is that replica's doing.
    func client(of replica: Int, timeout: Duration = .seconds(5)) -> RotorKVClient {
        RotorKVClient(configuration: ClientConfiguration(endpoints: [endpoints[replica]], defaultTimeout: timeout, clientToken: clientToken))
    }

    /// A client of the whole cluster.
    func client(timeout: Duration = .seconds(5)) -> RotorKVClient {
        RotorKVClient(configuration: ClientConfiguration(endpoints: endpoints, defaultTimeout: timeout, clientToken: clientToken))
    }

    /// Each replica's status, nil for one that does not answer.
    func statuses(among replicas: [Int]? = nil) async -> [Int: ReplicaStatus] {
        let client = self.client(timeout: .milliseconds(500))
        var result: [Int: ReplicaStatus] = [:]
        for replica in replicas ?? Array(endpoints.indices) {
            result[replica] = try? await client.status(of: endpoints[replica], timeout: .milliseconds(500))
        }
        await client.shutdown()
        return result
    }

    /// Waits until one of `replicas` reports itself leader; returns its id.
    func waitForLeader(among replicas: [Int]? = nil, within limit: Duration = .seconds(15), excluding: Int? = nil) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let statuses = await statuses(among: replicas)
            if let leader = statuses.first(where: { $0.value.role == .leader && $0.key != excluding })?.key { return leader }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("no leader among \(replicas ?? Array(endpoints.indices)) within \(limit)")
    }

    /// Waits until every replica is up and in step: one leader, the others
    /// following it (none still electing or recovering), each holding the
    /// log's first entry. A failover test must start from this: a replica
    /// still recovering counts toward no quorum, and one that restarts before
    /// it held anything comes back as an empty disk, which must recover.
    func waitForHealthy(within limit: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + limit
        var statuses: [Int: ReplicaStatus] = [:]
        while ContinuousClock.now < deadline {
            statuses = await self.statuses()
            let roles = statuses.values.map(\.role)
            if statuses.count == endpoints.count, roles.filter({ $0 == .leader }).count == 1,
               roles.allSatisfy({ $0 == .leader || $0 == .follower }), Set(statuses.values.map(\.term)).count == 1,
               statuses.values.allSatisfy({ $0.appliedIndex >= 1 }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("the cluster did not become healthy within \(limit): \(statuses.mapValues { "\($0.role) term \($0.term)" })")
    }

    /// Cuts `replica` off from every other replica, both ways, with
    /// `injectFault` (the replicas must run with `faultInjection`): it drops
    /// all consensus traffic to and from them, and they to and from it.
    func isolate(_ replica: Int) async throws {
        let others = endpoints.indices.filter { $0 != replica }
        try await injectFault(at: replica, dropTo: others, dropFrom: others)
        for other in others { try await injectFault(at: other, dropTo: [replica], dropFrom: [replica]) }
    }

    /// Lifts every partition: each replica's rule becomes the empty one.
    func heal() async throws {
        for replica in endpoints.indices { try await injectFault(at: replica, dropTo: [], dropFrom: []) }
    }

    /// Installs one replica's partition rule, replacing its previous one.
    func injectFault(at replica: Int, dropTo: [Int], dropFrom: [Int]) async throws(KVError) {
        let client = self.client(of: replica)
        do {
            try await client.injectFault(dropTo: dropTo, dropFrom: dropFrom, clusterSecret: secret, at: endpoints[replica])
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// Waits until `replica` has applied at least `index`.
    func waitForApplied(_ replica: Int, _ index: Int64, within limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = await statuses(among: [replica])[replica], status.appliedIndex >= index { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("replica \(replica) did not apply index \(index) within \(limit)")
    }
}

struct ClusterTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The TOML of replica `id` of a test cluster.
/// `storage` holds extra `[storage]` lines (snapshot intervals); fsync is
/// "never" unless `fsync` says otherwise. `faultInjection` turns on
/// `[testing] allow_fault_injection`, so that `isolate` and `heal` work.
func clusterConfiguration(id: Int, ports: [Int], dataDirectory: String, secret: String, electionTimeoutMilliseconds: Int,
                          clientToken: String? = nil, fsync: String = "never", storage: String = "", logLevel: String? = nil,
                          faultInjection: Bool = false, initialClusterState: String? = nil) -> String {
    """
    [deployment]
    mode = "replicated"
    \(initialClusterState.map { "initial_cluster_state = \"\($0)\"" } ?? "")
    instance_id = \(id)
    replica_endpoints = [\(ports.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", "))]
    [server]
    event_loop_threads = 2
    [consensus]
    election_timeout_ms = \(electionTimeoutMilliseconds)
    heartbeat_interval_ms = \(electionTimeoutMilliseconds / 10)
    request_timeout_ms = \(electionTimeoutMilliseconds * 3)
    [storage]
    data_dir = "\(dataDirectory)"
    fsync = "\(fsync)"
    \(storage)
    [security]
    cluster_secret = "\(secret)"
    \(clientToken.map { "client_token = \"\($0)\"" } ?? "")
    [logging]
    level = "\(ProcessInfo.processInfo.environment["ROTORKV_TEST_LOG_LEVEL"] ?? logLevel ?? "warning")"
    [testing]
    allow_fault_injection = \(faultInjection)
    """
}
