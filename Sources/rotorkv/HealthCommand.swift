import ArgumentParser
import Foundation
import RotorModel

/// `rotorkv health`: one verdict for monitoring and scripts, from the same
/// per-replica status calls as `rotorkv status`.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the whole cluster: exit 0 if healthy, non-zero naming each replica at fault and why.",
        discussion: """
            Asks every replica (as status does). Unhealthy when a replica is
            down, none leads, a replica is recovering its data directory, or
            a replica's applied index trails the highest commit index by more
            than --max-lag entries. Prints "healthy" or one line per problem.
            Exit codes: 0 healthy; 1 unhealthy; 3 no replica answered; 64 bad usage.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("max-lag"), help: ArgumentHelp("The most entries a replica may trail the commit index.", valueName: "entries"))
    var maxLag: Int64 = 1000

    func validate() throws {
        guard maxLag >= 0 else { throw ValidationError("--max-lag must not be negative") }
    }

    /// One thing wrong: which replica (nil: the cluster as a whole), what, and why.
    struct Problem {
        var replica: Int?
        var endpoint: String?
        var kind: String
        var detail: String

        var line: String {
            switch (replica, endpoint) {
            case let (replica?, endpoint?): return "replica \(replica) (\(endpoint)): \(kind): \(detail)"
            case let (nil, endpoint?): return "replica \(endpoint): \(kind): \(detail)"
            default: return "cluster: \(kind): \(detail)"
            }
        }

        var json: [String: Any] {
            var object: [String: Any] = ["problem": kind, "detail": detail]
            if let replica { object["replica_id"] = replica }
            if let endpoint { object["endpoint"] = endpoint }
            return object
        }
    }

    func run() async throws {
        let rows = await replicaStatuses(connection)
        let problems = Self.problems(rows, maxLag: maxLag)
        let leader = rows.compactMap { try? $0.1.get() }.first { $0.role == .leader || $0.role == .standalone }
        let up = rows.filter { (try? $0.1.get()) != nil }.count
        if connection.json {
            var object: [String: Any] = ["healthy": problems.isEmpty, "replicas_up": up, "replicas": rows.count,
                                         "problems": problems.map(\.json)]
            if let leader { object["leader_id"] = leader.replicaID }
            print(Output.encode(object))
        } else if problems.isEmpty {
            print("healthy: \(up) of \(rows.count) replicas up, replica \(leader.map { "\($0.replicaID)" } ?? "?") leads")
        } else {
            problems.forEach { print($0.line) }
        }
        if up == 0 { throw ExitCode(3) }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    /// Every problem, replicas in id order, then the cluster's.
    static func problems(_ rows: [ReplicaRow], maxLag: Int64) -> [Problem] {
        let statuses = rows.compactMap { try? $0.1.get() }
        let endpoints = statuses.first?.endpoints ?? []
        let commit = statuses.map(\.commitIndex).max() ?? 0
        var problems: [Problem] = []
        for (endpoint, result) in rows {
            switch result {
            case .failure(let error):
                problems.append(Problem(replica: endpoints.firstIndex(of: endpoint.description), endpoint: endpoint.description,
                                        kind: "down", detail: error.description))
            case .success(let status):
                problems += replicaProblems(status, endpoint: endpoint, commit: commit, maxLag: maxLag)
            }
        }
        if !statuses.contains(where: { $0.role == .leader || $0.role == .standalone }) {
            let roles = statuses.map { "replica \($0.replicaID) \($0.role)" }.joined(separator: ", ")
            problems.append(Problem(kind: "no leader", detail: "no replica that answered leads (\(roles.isEmpty ? "none answered" : roles))"))
        }
        return problems
    }

    private static func replicaProblems(_ status: ReplicaStatus, endpoint: Endpoint, commit: Int64, maxLag: Int64) -> [Problem] {
        var problems: [Problem] = []
        let lag = commit - status.appliedIndex
        if lag > maxLag {
            problems.append(Problem(replica: Int(status.replicaID), endpoint: endpoint.description, kind: "lagging",
                                    detail: "applied index \(status.appliedIndex) trails the commit index \(commit) by \(lag) entries (--max-lag \(maxLag))"))
        }
        if status.role == .recovering {
            problems.append(Problem(replica: Int(status.replicaID), endpoint: endpoint.description, kind: "recovering",
                                    detail: "rebuilding its data directory from its peers; it counts toward no quorum"))
        }
        return problems
    }
}
