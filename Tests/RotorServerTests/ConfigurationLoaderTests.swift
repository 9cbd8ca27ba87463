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
            [logging]
            level = "debug"
            """)
        #expect(config.mode == .replicated)
        #expect(config.listenEndpoint == Endpoint(host: "::1", port: 9092))
        #expect(config.maxFrameBytes == 33_554_432)
        #expect(config.maxInFlightPerConnection == 8)
        #expect(config.eventLoopThreads == 3)
        #expect(config.limits == RequestLimits(maxKeyBytes: 100, maxValueBytes: 1000, maxScanLimit: 50))
        #expect(config.logLevel == .debug)
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
        ("not toml at all", "test.toml:1"),
    ])
    func mistakesAreNamed(_ text: String, _ expected: String) {
        let message = failure(text)
        #expect(message?.contains(expected) == true, "got: \(message ?? "no error")")
    }
}
