import RotorModel

/// Serves decoded client requests. The server calls `handle` on a
/// connection's event loop and never waits for it: a handler may reply at
/// once (a local read) or much later from any thread (a write that must first
/// replicate). Exactly one reply per request is required; replies go back to
/// the client in request order regardless of completion order.
public protocol RequestHandler: Sendable {
    func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void)
}
