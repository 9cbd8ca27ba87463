import Foundation
import Testing

/// The scenarios against three replicas in this process (real sockets).
@Suite(.serialized) struct InProcessClusterTests {
    func withCluster(_ body: (InProcessCluster) async throws -> Void) async throws {
        let cluster = try await InProcessCluster()
        do {
            try await body(cluster)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test func writesThroughEveryReplicaAreReadableEverywhere() async throws {
        try await withCluster { try await ClusterScenarios.writesThroughEveryReplicaAreReadableEverywhere($0) }
    }

    @Test func leaderLossRestartAndCatchUp() async throws {
        try await withCluster { cluster in
            let (killed, acknowledged) = try await ClusterScenarios.leaderLossUnderLoad(cluster)
            try await ClusterScenarios.restartedReplicaCatchesUp(cluster, killed: killed, acknowledged: acknowledged)
        }
    }

    @Test func twoReplicasDown() async throws {
        try await withCluster { try await ClusterScenarios.twoReplicasDown($0) }
    }

    @Test func forgedConsensusCallsAreRefused() async throws {
        try await withCluster { try await ClusterScenarios.forgedConsensusCallsAreRefused($0) }
    }
}

/// The same scenarios against three `rotorkv-server` processes, with real signals.
@Suite(.serialized, .enabled(if: ProcessCluster.serverBinary != nil, "rotorkv-server is not built"))
struct ProcessClusterTests {
    func withCluster(_ body: (ProcessCluster) async throws -> Void) async throws {
        let cluster = try await ProcessCluster()
        do {
            try await body(cluster)
        } catch {
            print("replica logs kept in \(cluster.directory.path) (set ROTORKV_KEEP_TEST_FILES to keep them always)")
            setenv("ROTORKV_KEEP_TEST_FILES", "1", 1)
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    @Test func writesThroughEveryReplicaAreReadableEverywhere() async throws {
        try await withCluster { try await ClusterScenarios.writesThroughEveryReplicaAreReadableEverywhere($0) }
    }

    @Test func killNineTheLeaderUnderLoadThenRestartIt() async throws {
        try await withCluster { cluster in
            let (killed, acknowledged) = try await ClusterScenarios.leaderLossUnderLoad(cluster)
            try await ClusterScenarios.restartedReplicaCatchesUp(cluster, killed: killed, acknowledged: acknowledged)
        }
    }

    @Test func sigstopTheLeader() async throws {
        try await withCluster { try await ClusterScenarios.pausedLeaderIsDeposed($0) }
    }

    @Test func twoReplicasDown() async throws {
        try await withCluster { try await ClusterScenarios.twoReplicasDown($0) }
    }

    @Test func forgedConsensusCallsAreRefused() async throws {
        try await withCluster { try await ClusterScenarios.forgedConsensusCallsAreRefused($0) }
    }
}
