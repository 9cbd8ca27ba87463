import Foundation

/// Per-replica network namespaces for `rotorkv torture`'s partitions, as
/// Jepsen does it: each replica runs in its own namespace, joined to a
/// bridge in the tool's namespace by a veth pair, and a partition is a
/// blackhole route inside a replica's namespace. Packets to the blackholed
/// peers never leave; client traffic (from the bridge address) still flows.
/// Needs root and iproute2; `available()` probes both.
final class TortureNetwork: @unchecked Sendable {
    /// Three addresses on a /24 that no host route uses: 10.<a>.<b>.1-3 for the replicas, .254 for the bridge.
    let subnet: String
    private let tag: String
    private let lock = NSLock()
    private var created = false

    init() {
        let a = Int.random(in: 200...250), b = Int.random(in: 1...250)
        subnet = "10.\(a).\(b)"
        tag = String(format: "%04x", Int.random(in: 0...0xFFFF))
    }

    func address(of replica: Int) -> String { "\(subnet).\(replica + 1)" }
    func namespace(of replica: Int) -> String { "rkv\(tag)n\(replica)" }
    private var bridge: String { "rkv\(tag)br" }

    /// Whether this process may create namespaces (root, iproute2 present, the kernel allows it).
    static func available() -> Bool {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ip) else { return false }
        let probe = "rkvprobe\(getpid())"
        guard (try? run([ip, "netns", "add", probe])) != nil else { return false }
        _ = try? run([ip, "netns", "del", probe])
        return true
    }

    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"

    /// Creates the bridge, the three namespaces and their links.
    func create() throws {
        lock.withLock { created = true }
        try Self.run([Self.ip, "link", "add", "name", bridge, "type", "bridge"])
        try Self.run([Self.ip, "addr", "add", "\(subnet).254/24", "dev", bridge])
        try Self.run([Self.ip, "link", "set", bridge, "up"])
        for replica in 0..<3 {
            let namespace = namespace(of: replica), host = "rkv\(tag)h\(replica)", inside = "rkv\(tag)v\(replica)"
            try Self.run([Self.ip, "netns", "add", namespace])
            try Self.run([Self.ip, "link", "add", host, "type", "veth", "peer", "name", inside])
            try Self.run([Self.ip, "link", "set", inside, "netns", namespace])
            try Self.run([Self.ip, "link", "set", host, "master", bridge])
            try Self.run([Self.ip, "link", "set", host, "up"])
            try inNamespace(replica, ["addr", "add", "\(address(of: replica))/24", "dev", inside])
            try inNamespace(replica, ["link", "set", inside, "up"])
            try inNamespace(replica, ["link", "set", "lo", "up"])
        }
    }

    /// Replica `replica` can no longer send packets to `peers` (its TCP connections to them stall and fail).
    func blackhole(from replica: Int, to peers: [Int]) throws {
        for peer in peers { try inNamespace(replica, ["route", "add", "blackhole", "\(address(of: peer))/32"]) }
    }

    /// Removes every blackhole route.
    func heal() {
        for replica in 0..<3 {
            for peer in 0..<3 where peer != replica {
                _ = try? inNamespace(replica, ["route", "del", "blackhole", "\(address(of: peer))/32"])
            }
        }
    }

    /// Deletes the namespaces (and with them the veth pairs) and the bridge. Safe to call twice.
    func destroy() {
        guard lock.withLock({ () -> Bool in defer { created = false }; return created }) else { return }
        for replica in 0..<3 { _ = try? Self.run([Self.ip, "netns", "del", namespace(of: replica)]) }
        _ = try? Self.run([Self.ip, "link", "del", bridge])
    }

    /// The command line that runs `arguments` inside replica `replica`'s namespace.
    func wrap(_ replica: Int, _ executable: String, _ arguments: [String]) -> (String, [String]) {
        (Self.ip, ["netns", "exec", namespace(of: replica), executable] + arguments)
    }

    private func inNamespace(_ replica: Int, _ arguments: [String]) throws {
        try Self.run([Self.ip, "-n", namespace(of: replica)] + arguments)
    }

    @discardableResult
    static func run(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TortureError("`\(command.joined(separator: " "))` failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return text
    }
}
