import ArgumentParser
import Foundation
import RotorClient
import RotorModel

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every replica: role, term, leader, log indexes, lag, snapshot, state digest, up or down.",
        discussion: """
            Asks each --server directly (no redirects), and every other replica
            that the answering replicas list, so one --server shows the whole
            cluster. Lag is how far a replica's
            applied index trails the highest commit index any replica reported.
            SNAPSHOT is the last index the replica's latest snapshot covers (0:
            none). DIGEST is the first 8 hex digits of the digest of its state at
            its applied index: replicas with equal APPLIED must show equal
            DIGEST, and differ only if they diverged. A server too old to report
            them shows "-". --json adds log_start_index, cluster_id and the full state_digest. A replica rebuilding a lost data directory that cannot yet decide safely says why under the table (recovery_reason in --json).
            Exits 3 if no replica answers.
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let rows = await replicaStatuses(connection)
        let commit = rows.compactMap { try? $0.1.get().commitIndex }.max() ?? 0
        if connection.json {
            print(Output.encode(["replicas": rows.map { json($0.0, $0.1, commit: commit) }]))
        } else {
            printTable(rows, commit: commit)
        }
        if rows.allSatisfy({ (try? $0.1.get()) == nil }) { throw ExitCode(3) }
    }

    private func json(_ endpoint: Endpoint, _ result: Result<ReplicaStatus, KVError>, commit: Int64) -> [String: Any] {
        switch result {
        case .failure(let error):
            return ["endpoint": endpoint.description, "up": false, "error": error.description]
        case .success(let s):
            var object: [String: Any] = [
                "endpoint": endpoint.description, "up": true, "replica_id": s.replicaID, "role": s.role.description,
                "term": s.term, "last_index": s.lastIndex, "commit_index": s.commitIndex, "applied_index": s.appliedIndex,
                "lag": commit - s.appliedIndex, "key_count": s.keyCount, "uptime_ms": s.uptimeMilliseconds, "version": s.version,
            ]
            if let leader = s.leaderID { object["leader_id"] = leader }
            if let digest = s.stateDigest { object["state_digest"] = hex(digest) }
            if let index = s.snapshotIndex { object["snapshot_index"] = index }
            if let index = s.logStartIndex { object["log_start_index"] = index }
            if let reason = s.recoveryReason { object["recovery_reason"] = reason }
            if let cluster = s.clusterID { object["cluster_id"] = hex(cluster) }
            return object
        }
    }

    private func printTable(_ rows: [(Endpoint, Result<ReplicaStatus, KVError>)], commit: Int64) {
        let header = ["REPLICA", "ENDPOINT", "STATE", "ROLE", "TERM", "LEADER", "LAST", "COMMIT", "APPLIED", "LAG", "SNAPSHOT", "KEYS",
                      "DIGEST", "UPTIME"]
        var table = [header]
        for (endpoint, result) in rows {
            switch result {
            case .failure(let error):
                table.append(["-", endpoint.description, "down", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "\(error.code)"])
            case .success(let s):
                table.append(["\(s.replicaID)", endpoint.description, "up", s.role.description, "\(s.term)",
                              s.leaderID.map { "\($0)" } ?? "none", "\(s.lastIndex)", "\(s.commitIndex)", "\(s.appliedIndex)",
                              "\(commit - s.appliedIndex)", s.snapshotIndex.map { "\($0)" } ?? "-", "\(s.keyCount)",
                              s.stateDigest.map { String(hex($0).prefix(8)) } ?? "-", formatUptime(s.uptimeMilliseconds)])
            }
        }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        // Why a recovering replica serves nobody yet, under the table.
        for case (_, .success(let s)) in rows {
            if let reason = s.recoveryReason { print("replica \(s.replicaID) is recovering: \(reason)") }
        }
    }

    /// 16 hex digits, zero-padded: a string, since JSON numbers cannot hold every 64-bit value exactly.
    private func hex(_ digest: UInt64) -> String {
        let digits = String(digest, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private func formatUptime(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        return "\(seconds / 3600)h"
    }
}

/// One replica's endpoint and what its `status` call gave.
typealias ReplicaRow = (Endpoint, Result<ReplicaStatus, KVError>)

/// Asks each --server directly (no redirects), and every other replica the
/// answering replicas list, so one --server covers the whole cluster. Sorted
/// by replica id; replicas that did not answer come last.
func replicaStatuses(_ connection: ConnectionOptions) async -> [ReplicaRow] {
    let client = connection.makeClient()
    var rows: [ReplicaRow] = []
    var pending = connection.endpoints
    var asked: Set<Endpoint> = []
    while let endpoint = pending.first {
        pending.removeFirst()
        guard asked.insert(endpoint).inserted else { continue }
        do {
            let status = try await client.status(of: endpoint, timeout: connection.timeoutDuration)
            rows.append((endpoint, .success(status)))
            pending += status.endpoints.compactMap(Endpoint.init(parsing:)).filter { !asked.contains($0) }
        } catch {
            rows.append((endpoint, .failure(error)))
        }
    }
    await client.shutdown()
    rows.sort { (try? $0.1.get().replicaID) ?? Int32.max < (try? $1.1.get().replicaID) ?? Int32.max }
    return rows
}
