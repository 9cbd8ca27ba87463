import ArgumentParser
import RotorModel

/// `rotorkv`: the command-line client of RotorKV.
@main
struct RotorKVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotorkv",
        abstract: "Talk to a RotorKV cluster: read, write, inspect, benchmark.",
        discussion: """
            Keys and values are given as UTF-8 text. Every command takes --server
            host:port (repeatable; default 127.0.0.1:9090) and follows leader
            redirects on its own. Add --json for machine-readable output.

            Exit codes:
              0  success
              1  the key was not found (get), or the compare failed (cas)
              2  the request was refused as invalid (INVALID_ARGUMENT, TOO_LARGE, UNAUTHORIZED)
              3  the cluster could not answer in time (UNAVAILABLE, TIMEOUT, OVERLOADED, NOT_LEADER):
                 for a write, the outcome is unknown; retrying it is safe
              4  the server failed (INTERNAL) or answered something unexpected
              5  the write's session expired (SESSION_EXPIRED)
             64  bad command-line usage
            health has its own: 0 healthy, 1 unhealthy (one line per problem), 3 no replica answered
            """,
        version: rotorKVVersion,
        subcommands: [Get.self, Put.self, Delete.self, CompareAndSet.self, Scan.self, Status.self, Health.self, Ping.self, Bench.self, Torture.self])
}
