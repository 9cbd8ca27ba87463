import NIOCore
import RotorModel
import RotorWire

extension RotorKVClient {
    /// Test only: installs a network partition rule on the replica at
    /// `endpoint`, for `rotorkv torture`'s nemesis where it cannot use network
    /// namespaces. That replica then drops every consensus message it would
    /// send to the replicas in `dropTo` and refuses every consensus call from
    /// those in `dropFrom`. Each call replaces the replica's previous rule; two
    /// empty lists heal it. Client traffic is not affected.
    ///
    /// A symmetric partition of replica 0 from {1, 2}: `dropTo: [1, 2],
    /// dropFrom: [1, 2]` at replica 0, and `dropTo: [0], dropFrom: [0]` at
    /// replicas 1 and 2.
    ///
    /// The call goes to that one replica on a connection of its own, with no
    /// retries elsewhere. It proves `clusterSecret` (never sent itself) and is
    /// accepted only by a replica started with `[testing] allow_fault_injection
    /// = true`. Throws UNAUTHORIZED if the replica does not allow fault
    /// injection or the secret is wrong; INVALID_ARGUMENT for an id that is not
    /// another replica of its cluster, or at a standalone replica; UNAVAILABLE
    /// or TIMEOUT if it cannot be reached in time.
    public func injectFault(dropTo: [Int], dropFrom: [Int], clusterSecret: String, at endpoint: Endpoint,
                            timeout: Duration? = nil) async throws(KVError) {
        let rule = FaultRule(dropTo: dropTo, dropFrom: dropFrom)
        if let problem = rule.validationProblem { throw .invalidArgument("injectFault: \(problem)") }
        let codec = ThriftMessageCodec()
        var call = ByteBuffer()
        codec.encodeInjectFault(rule, proof: ClusterAuthenticator(secret: clusterSecret).proof(for: rule), seqid: 1, into: &call)
        let deadline = NIODeadline.now() + (timeout ?? configuration.defaultTimeout).timeAmount
        let reply: ByteBuffer
        do {
            reply = try await SingleExchange.exchange(call, with: endpoint, on: group, connectTimeout: configuration.connectTimeout,
                                                      maxFrameBytes: configuration.maxFrameBytes, deadline: deadline).get()
        } catch {
            throw Self.asKVError(error)
        }
        try Self.injectFaultOutcome(reply, codec: codec, from: endpoint).get()
    }

    /// The replica's answer; a TApplicationException (a replica that predates
    /// `injectFault` answers UNKNOWN_METHOD) or a broken reply is INTERNAL.
    private static func injectFaultOutcome(_ reply: ByteBuffer, codec: ThriftMessageCodec, from endpoint: Endpoint) -> Result<Void, KVError> {
        do throws(WireError) {
            return try codec.decodeInjectFaultReply(reply, seqid: 1)
        } catch .applicationException(let type, let message) {
            return .failure(.internalError("\(endpoint) rejected injectFault (TApplicationException \(type)): \(message)"))
        } catch {
            return .failure(.internalError("\(endpoint) sent a reply that does not answer injectFault: \(error)"))
        }
    }
}
