import ArgumentParser
import Foundation
import RotorClient
import RotorModel

/// Options every command shares: where the cluster is, how long to wait, how to print.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: ArgumentHelp("A replica's host:port; repeat, or separate with commas, for more replicas.", valueName: "host:port"))
    var servers: [String] = ["127.0.0.1:9090"]

    @Option(help: ArgumentHelp("Give up after this many seconds, retries included.", valueName: "seconds"))
    var timeout: Double = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: ArgumentHelp("The replicas' client token ([security] client_token); default: $ROTORKV_CLIENT_TOKEN.",
                               valueName: "token"))
    var token: String?

    func validate() throws {
        for server in serverList where Endpoint(parsing: server) == nil {
            throw ValidationError("--server \(server): expected host:port with a port in 1...65535")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    private var serverList: [String] { servers.flatMap { $0.split(separator: ",").map(String.init) } }

    var endpoints: [Endpoint] { serverList.compactMap(Endpoint.init(parsing:)) }

    var timeoutDuration: Duration { .milliseconds(Int64(timeout * 1000)) }

    /// `--token`, else a non-empty `ROTORKV_CLIENT_TOKEN`, else none.
    var clientToken: String? {
        if let token { return token }
        guard let fromEnvironment = ProcessInfo.processInfo.environment["ROTORKV_CLIENT_TOKEN"], !fromEnvironment.isEmpty else { return nil }
        return fromEnvironment
    }

    func makeClient() -> RotorKVClient {
        RotorKVClient(configuration: ClientConfiguration(endpoints: endpoints, defaultTimeout: timeoutDuration, clientToken: clientToken))
    }

    var output: Output { Output(json: json) }
}

/// Runs `body` with a client and shuts it down afterwards, turning a
/// `KVError` into a message on stderr and the documented exit code.
func withClient<T>(_ options: ConnectionOptions, _ body: (RotorKVClient) async throws(KVError) -> T) async throws -> T {
    let client = options.makeClient()
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        options.output.error(error)
        throw ExitCode(exitCode(for: error.code))
    }
}

func exitCode(for code: ErrorCode) -> Int32 {
    switch code {
    case .invalidArgument, .tooLarge, .unauthorized, .wrongCluster: 2
    case .unavailable, .timeout, .overloaded, .notLeader: 3
    case .internalError: 4
    case .sessionExpired: 5
    }
}
