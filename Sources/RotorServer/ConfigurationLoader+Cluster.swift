import TOMLKit

/// The sections only a replicated deployment uses: `[consensus]`, `[storage]`, `[security]`.
extension ConfigurationLoader {
    static func readConsensus(_ table: inout StrictTable, into settings: inout ConsensusSettings) throws(ConfigurationError) {
        if let type = try table.string("type") {
            guard type == "mock" else {
                throw table.error("type", "must be \"mock\" (the built-in rotating-leader protocol); got \"\(type)\"")
            }
            settings.type = type
        }
        settings.electionTimeoutMilliseconds = try table.int("election_timeout_ms", in: 10...600_000) ?? settings.electionTimeoutMilliseconds
        settings.heartbeatIntervalMilliseconds = try table.int("heartbeat_interval_ms", in: 1...60_000) ?? settings.heartbeatIntervalMilliseconds
        settings.maxEntriesPerAppend = try table.int("max_entries_per_append", in: 1...65_536) ?? settings.maxEntriesPerAppend
        settings.maxAppendsInFlight = try table.int("max_appends_in_flight", in: 1...1024) ?? settings.maxAppendsInFlight
        settings.peerRPCTimeoutMilliseconds = try table.int("peer_rpc_timeout_ms", in: 1...600_000) ?? settings.peerRPCTimeoutMilliseconds
        settings.requestTimeoutMilliseconds = try table.int("request_timeout_ms", in: 1...600_000) ?? settings.requestTimeoutMilliseconds
        guard settings.electionTimeoutMilliseconds >= 3 * settings.heartbeatIntervalMilliseconds else {
            throw table.error("election_timeout_ms", "(\(settings.electionTimeoutMilliseconds)) must be at least 3 × heartbeat_interval_ms (\(settings.heartbeatIntervalMilliseconds)), or one late heartbeat starts an election")
        }
    }

    static func readStorage(_ table: inout StrictTable, into settings: inout StorageSettings) throws(ConfigurationError) {
        if let directory = try table.string("data_dir") {
            guard !directory.isEmpty else { throw table.error("data_dir", "must not be empty") }
            settings.dataDirectory = directory
        }
        if let fsync = try table.string("fsync") {
            guard let policy = StorageSettings.FsyncPolicy(rawValue: fsync) else {
                throw table.error("fsync", "must be \"always\" or \"never\"; got \"\(fsync)\"")
            }
            settings.fsync = policy
        }
        settings.segmentBytes = try table.int("segment_bytes", in: 4096...(1 << 34)) ?? settings.segmentBytes
        settings.snapshotEveryEntries = try table.int("snapshot_every_entries", in: 1...(1 << 40)) ?? settings.snapshotEveryEntries
        settings.snapshotEveryBytes = try table.int("snapshot_every_bytes", in: 1...(1 << 44)) ?? settings.snapshotEveryBytes
        settings.retainedEntries = try table.int("retained_entries", in: 0...(1 << 32)) ?? settings.retainedEntries
    }

    static func readSecurity(_ table: inout StrictTable, into settings: inout SecuritySettings) throws(ConfigurationError) {
        if let secret = try table.string("cluster_secret") {
            guard secret.utf8.count >= 16 else { throw table.error("cluster_secret", "must be at least 16 characters") }
            settings.clusterSecret = secret
        }
        if let token = try table.string("client_token") {
            guard !token.isEmpty else { throw table.error("client_token", "must not be empty (remove the key to serve clients without a token)") }
            settings.clientToken = token
        }
    }

    /// A replicated deployment needs an odd number of replicas and a secret shared by them.
    static func checkReplicated(_ config: ServerConfiguration, _ document: StrictTable) throws(ConfigurationError) {
        guard config.mode == .replicated else { return }
        guard config.replicaEndpoints.count % 2 == 1 else {
            throw ConfigurationError("\(document.source): deployment.replica_endpoints lists \(config.replicaEndpoints.count) replicas; a replicated deployment needs an odd number (3 or 5), so that a majority is unambiguous")
        }
        guard config.security.clusterSecret != nil else {
            throw ConfigurationError("\(document.source): security.cluster_secret is required with deployment.mode = \"replicated\": every replica of the cluster must share it")
        }
    }
}
