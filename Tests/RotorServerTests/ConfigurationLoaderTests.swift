import Foundation
import RotorModel
import RotorServer
import Testing

@Suite struct ConfigurationLoaderTests {
    func failure(_ text: String) -> String? {
        do {
            _ = try ConfigurationLoader.parse(text, source: "test.toml")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theShippedStandaloneFileIsTheDefault() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/standalone.toml").path
        #expect(try ConfigurationLoader.load(path: path) == .standaloneDefault)
    }

    @Test func theShippedClusterFilesDescribeOneCluster() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/cluster")
        let configs = try (0..<3).map { try ConfigurationLoader.load(path: directory.appendingPathComponent("replica-\($0).toml").path) }
        for (id, config) in configs.enumerated() {
            #expect(config.mode == .replicated)
            #expect(config.instanceID == id)
            #expect(config.replicaEndpoints == configs[0].replicaEndpoints)
            #expect(config.security.clusterSecret == configs[0].security.clusterSecret)
            #expect(config.storage.dataDirectory == "data/replica-\(id)")
        }
        #expect(Set(configs.map(\.listenEndpoint)).count == 3)
    }

    @Test func aDefaultDataDirectoryIsPerReplica() throws {
        let config = try ConfigurationLoader.parse("[deployment]\ninstance_id = 1\nreplica_endpoints = [\"a:1\", \"b:1\", \"c:1\"]")
        #expect(config.storage.dataDirectory == "data/replica-1")
    }

    @Test func theSecretsNeverPrint() throws {
        let settings = SecuritySettings(clusterSecret: "0123456789abcdef-secret", clientToken: "let-me-in")
        #expect(!"\(settings)".contains("secret\"") && !"\(settings)".contains("0123456789"))
        #expect(!"\(settings)".contains("let-me-in"))
    }

    @Test func initialClusterStateIsReadAndChecked() throws {
        #expect(try ConfigurationLoader.parse("").initialClusterState == .auto)
        for state in ServerConfiguration.InitialClusterState.allCases {
            #expect(try ConfigurationLoader.parse("[deployment]\ninitial_cluster_state = \"\(state.rawValue)\"").initialClusterState == state)
        }
        let message = failure("[deployment]\ninitial_cluster_state = \"fresh\"")
        #expect(message?.contains("deployment.initial_cluster_state") == true && message?.contains("\"fresh\"") == true,
                "\(message ?? "accepted")")
    }

    @Test func anEmptyFileIsTheDefault() throws {
        #expect(try ConfigurationLoader.parse("") == .standaloneDefault)
    }

    @Test func readsEveryKey() throws {
        let config = try ConfigurationLoader.parse("""
            [deployment]
            mode = "replicated"
            instance_id = 2
            replica_endpoints = ["10.0.0.1:9090", "10.0.0.2:9090", "[::1]:9092"]
            [server]
            max_frame_bytes = 33554432
            max_in_flight_per_connection = 8
            event_loop_threads = 3
            [limits]
            max_key_bytes = 100
            max_value_bytes = 1000
            max_scan_limit = 50
            max_scan_bytes = 2048
            [logging]
            level = "debug"
            [consensus]
            type = "mock"
            election_timeout_ms = 1500
            heartbeat_interval_ms = 50
            max_entries_per_append = 32
            max_appends_in_flight = 4
            peer_rpc_timeout_ms = 300
            [storage]
            data_dir = "/var/lib/rotorkv"
            fsync = "never"
            segment_bytes = 1048576
            [security]
            cluster_secret = "0123456789abcdef-secret"
            client_token = "let-me-in"
            """)
        #expect(config.mode == .replicated)
        #expect(config.consensus.electionTimeoutMilliseconds == 1500)
        #expect(config.consensus.heartbeatIntervalMilliseconds == 50)
        #expect(config.consensus.maxEntriesPerAppend == 32)
        #expect(config.consensus.maxAppendsInFlight == 4)
        #expect(config.consensus.peerRPCTimeoutMilliseconds == 300)
        #expect(config.storage.dataDirectory == "/var/lib/rotorkv")
        #expect(config.storage.fsync == .never)
        #expect(config.storage.segmentBytes == 1_048_576)
        #expect(config.security == SecuritySettings(clusterSecret: "0123456789abcdef-secret", clientToken: "let-me-in"))
        #expect(config.listenEndpoint == Endpoint(host: "::1", port: 9092))
        #expect(config.maxFrameBytes == 33_554_432)
        #expect(config.maxInFlightPerConnection == 8)
        #expect(config.eventLoopThreads == 3)
        #expect(config.limits == RequestLimits(maxKeyBytes: 100, maxValueBytes: 1000, maxScanLimit: 50, maxScanBytes: 2048))
        #expect(config.logLevel == .debug)
    }

    /// Unset, max_scan_bytes is 4 MiB, or less when the frame is too small for a 4 MiB page.
    @Test func maxScanBytesDefaultsWellUnderTheFrame() throws {
        #expect(try ConfigurationLoader.parse("").limits.maxScanBytes == 4 << 20)
        let small = try ConfigurationLoader.parse("[server]\nmax_frame_bytes = 1048576\n[limits]\nmax_value_bytes = 1024")
        #expect(small.limits.maxScanBytes == (1_048_576 - 4096 - 1024) / 2)
    }

    @Test(arguments: [
        ("[deployment]\nmod = \"standalone\"", "unknown key deployment.mod"),
        ("[deploy]\n", "unknown key deploy"),
        ("[deployment]\nreplica_endpoints = [\"a:0\"]", "deployment.replica_endpoints entry 0 \"a:0\""),
        ("[deployment]\nreplica_endpoints = [\"a:1\", \"a:1\"]\ninstance_id = 0", "listed twice"),
        ("[deployment]\ninstance_id = 3", "deployment.instance_id is 3"),
        ("[deployment]\nmode = \"cluster\"", "deployment.mode must be"),
        ("[server]\nmax_frame_bytes = \"big\"", "server.max_frame_bytes must be an integer"),
        ("[server]\nmax_frame_bytes = 1024", "server.max_frame_bytes (1024) is too small"),
        ("[logging]\nlevel = \"loud\"", "logging.level must be one of"),
        ("[limits]\nmax_key_bytes = 0", "limits.max_key_bytes must be in"),
        ("[limits]\nmax_scan_bytes = 16777216", "limits.max_scan_bytes (16777216) must be at most server.max_frame_bytes (16777216) minus 5120"),
        ("[limits]\nmax_scan_bytes = 0", "limits.max_scan_bytes must be in"),
        ("not toml at all", "test.toml:1"),
        ("[consensus]\ntype = \"raft\"", "consensus.type must be \"mock\""),
        ("[consensus]\nelection_timeout_ms = 100\nheartbeat_interval_ms = 50", "consensus.election_timeout_ms (100) must be at least 3"),
        ("[consensus]\nelectiontimeout = 1", "unknown key consensus.electiontimeout"),
        ("[storage]\nfsync = \"sometimes\"", "storage.fsync must be"),
        ("[security]\ncluster_secret = \"short\"", "security.cluster_secret must be at least 16"),
        ("[deployment]\nmode = \"replicated\"\ninstance_id = 0\nreplica_endpoints = [\"a:1\", \"b:1\", \"c:1\"]",
         "security.cluster_secret is required"),
        ("[deployment]\nmode = \"replicated\"\ninstance_id = 0\nreplica_endpoints = [\"a:1\", \"b:1\"]\n[security]\ncluster_secret = \"0123456789abcdef\"",
         "needs an odd number"),
        ("[deployment]\nmode = \"replicated\"\ninstance_id = 5\nreplica_endpoints = [\"a:1\", \"b:1\", \"c:1\"]", "deployment.instance_id is 5"),
        ("[deployment]\nreplica_endpoints = [\"a:1\", \"b:99999\"]\ninstance_id = 0", "entry 1 \"b:99999\""),
    ])
    func mistakesAreNamed(_ text: String, _ expected: String) {
        let message = failure(text)
        #expect(message?.contains(expected) == true, "got: \(message ?? "no error")")
    }
}
