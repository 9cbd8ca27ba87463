import Foundation
import Logging
import RotorModel
import TOMLKit

/// Reads a replica's TOML configuration strictly: unknown sections or keys,
/// wrong types and out-of-range values are errors that name the key, because
/// a typo silently falling back to a default is how clusters lose data.
public enum ConfigurationLoader {
    public static func load(path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("\(path): cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "config") throws(ConfigurationError) -> ServerConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError("\(source):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigurationError("\(source): \(error)")
        }
        var document = StrictTable(root, path: "", source: source)
        let config = try build(&document)
        try document.finish()
        return config
    }

    private static func build(_ document: inout StrictTable) throws(ConfigurationError) -> ServerConfiguration {
        var config = ServerConfiguration.standaloneDefault
        if var deployment = try document.section("deployment") {
            try readDeployment(&deployment, into: &config)
            try deployment.finish()
        }
        if var server = try document.section("server") {
            config.maxFrameBytes = try server.int("max_frame_bytes", in: 64...(1 << 30)) ?? config.maxFrameBytes
            config.maxInFlightPerConnection = try server.int("max_in_flight_per_connection", in: 1...1_000_000)
                ?? config.maxInFlightPerConnection
            config.eventLoopThreads = try server.int("event_loop_threads", in: 0...256) ?? config.eventLoopThreads
            try server.finish()
        }
        var scanBytes: Int?
        if var limits = try document.section("limits") {
            config.limits.maxKeyBytes = try limits.int("max_key_bytes", in: 1...(1 << 20)) ?? config.limits.maxKeyBytes
            config.limits.maxValueBytes = try limits.int("max_value_bytes", in: 0...(1 << 30)) ?? config.limits.maxValueBytes
            config.limits.maxScanLimit = Int32(try limits.int("max_scan_limit", in: 1...1_000_000) ?? Int(config.limits.maxScanLimit))
            scanBytes = try limits.int("max_scan_bytes", in: 1...(1 << 30))
            try limits.finish()
        }
        try settleScanBytes(scanBytes, in: &config, document)
        if var logging = try document.section("logging") {
            if let level = try logging.string("level") {
                guard let parsed = Logger.Level(rawValue: level) else {
                    throw logging.error("level", "must be one of trace, debug, info, notice, warning, error, critical; got \"\(level)\"")
                }
                config.logLevel = parsed
            }
            try logging.finish()
        }
        config.storage.dataDirectory = "data/replica-\(config.instanceID)"
        if var consensus = try document.section("consensus") {
            try readConsensus(&consensus, into: &config.consensus)
            try consensus.finish()
        }
        if var storage = try document.section("storage") {
            try readStorage(&storage, into: &config.storage)
            try storage.finish()
        }
        if var security = try document.section("security") {
            try readSecurity(&security, into: &config.security)
            try security.finish()
        }
        if var testing = try document.section("testing") {
            config.allowFaultInjection = try testing.bool("allow_fault_injection") ?? false
            try testing.finish()
        }
        try checkFrameFitsLimits(config, document)
        try checkReplicated(config, document)
        return config
    }

    private static func readDeployment(_ table: inout StrictTable, into config: inout ServerConfiguration) throws(ConfigurationError) {
        if let mode = try table.string("mode") {
            guard let parsed = ServerConfiguration.Mode(rawValue: mode) else {
                throw table.error("mode", "must be \"standalone\" or \"replicated\"; got \"\(mode)\"")
            }
            config.mode = parsed
        }
        if let state = try table.string("initial_cluster_state") {
            guard let parsed = ServerConfiguration.InitialClusterState(rawValue: state) else {
                throw table.error("initial_cluster_state", "must be \"auto\", \"new\" or \"existing\"; got \"\(state)\"")
            }
            config.initialClusterState = parsed
        }
        if let endpoints = try table.stringArray("replica_endpoints") {
            config.replicaEndpoints = try parseEndpoints(endpoints, table)
        }
        if let instance = try table.int("instance_id", in: 0...Int(Int32.max)) {
            config.instanceID = instance
        }
        guard config.replicaEndpoints.indices.contains(config.instanceID) else {
            throw table.error("instance_id", "is \(config.instanceID), but replica_endpoints has \(config.replicaEndpoints.count) entries (ids 0...\(config.replicaEndpoints.count - 1))")
        }
        if config.mode == .standalone && config.replicaEndpoints.count != 1 && !table.has("instance_id") {
            throw table.error("instance_id", "is required when replica_endpoints lists more than one replica")
        }
    }

    private static func parseEndpoints(_ texts: [String], _ table: StrictTable) throws(ConfigurationError) -> [Endpoint] {
        guard !texts.isEmpty else { throw table.error("replica_endpoints", "must list at least one \"host:port\"") }
        var seen: Set<Endpoint> = []
        var endpoints: [Endpoint] = []
        for (index, text) in texts.enumerated() {
            guard let endpoint = Endpoint(parsing: text) else {
                throw table.error("replica_endpoints", "entry \(index) \"\(text)\" is not host:port with a port in 1...65535")
            }
            guard seen.insert(endpoint).inserted else {
                throw table.error("replica_endpoints", "entry \(index) \"\(text)\" is listed twice")
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    /// A scan reply must fit the frame: `max_scan_bytes` of entries plus the
    /// reply's own overhead (with a `continuation` key). Unset, it is 4 MiB,
    /// or less when the frame is too small for that.
    private static func settleScanBytes(_ scanBytes: Int?, in config: inout ServerConfiguration,
                                        _ document: StrictTable) throws(ConfigurationError) {
        let overhead = config.limits.scanReplyOverheadBytes
        let room = config.maxFrameBytes - overhead
        guard let scanBytes else {
            config.limits.maxScanBytes = max(1, min(RequestLimits.defaultMaxScanBytes, room / 2))
            return
        }
        guard scanBytes <= room else {
            throw ConfigurationError("\(document.source): limits.max_scan_bytes (\(scanBytes)) must be at most server.max_frame_bytes (\(config.maxFrameBytes)) minus \(overhead) bytes of reply overhead (limits.max_key_bytes + 1024), that is \(max(0, room)); a full scan reply would not fit a frame")
        }
        config.limits.maxScanBytes = scanBytes
    }

    private static func checkFrameFitsLimits(_ config: ServerConfiguration, _ document: StrictTable) throws(ConfigurationError) {
        let largestRequest = config.limits.maxKeyBytes + 2 * config.limits.maxValueBytes + 256
        if largestRequest > config.maxFrameBytes {
            throw ConfigurationError("\(document.source): server.max_frame_bytes (\(config.maxFrameBytes)) is too small for limits.max_key_bytes + 2 × limits.max_value_bytes (\(largestRequest)); a valid compareAndSet would not fit")
        }
    }
}
