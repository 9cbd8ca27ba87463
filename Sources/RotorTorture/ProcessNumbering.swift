/// How process numbers map to clients, so the verdict can tell which client issued what.
///
/// A process that ends in `info` is retired (its request may still land), and its client
/// continues under a new process number. The LOCAL-read check needs to know that the old and the
/// new process are the same client (a client's `min_index` covers the writes of all its earlier
/// processes), so with N clients, client c uses processes c, c+N, c+2N, …: client = process mod N.
///
/// A client runs one process at a time, and its `min_index` session carries over to the next
/// process: the LOCAL-read check relies on both.
///
/// Processes that only do the final reads after the run may use any numbers no client used; they
/// are then attributed to some client, which is harmless because they issue only linearizable
/// reads.
public struct ProcessNumbering: Sendable, Hashable {
    /// N, the number of workload clients.
    public let clients: Int

    public init(clients: Int) {
        precondition(clients > 0, "ProcessNumbering: there must be at least one client")
        self.clients = clients
    }

    /// The process number of `client`'s `incarnation`-th process (0 for its first).
    public func process(client: Int, incarnation: Int) -> Int {
        precondition((0..<clients).contains(client), "ProcessNumbering: no client \(client) among \(clients)")
        precondition(incarnation >= 0, "ProcessNumbering: negative incarnation")
        return client + incarnation * clients
    }

    /// The client a process belongs to.
    public func client(ofProcess process: Int) -> Int {
        precondition(process >= 0, "ProcessNumbering: negative process number")
        return process % clients
    }
}
