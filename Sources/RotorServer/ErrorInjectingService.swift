import RotorModel

/// A test-only wrapper, enabled by `[testing] allow_fault_injection = true`:
/// a `get` of the key `rotorkv:inject-error:<CODE>` (e.g. `NOT_LEADER`)
/// answers that error, so that clients in any language can prove they decode
/// every error code, including ones a healthy standalone replica never sends.
/// Every other request passes through untouched.
public struct ErrorInjectingService: RequestHandler {
    public static let keyPrefix = "rotorkv:inject-error:"
    let wrapped: any RequestHandler

    public init(wrapping service: any RequestHandler) {
        wrapped = service
    }

    public func handle(_ request: ClientRequest, reply: @escaping @Sendable (Result<ClientResponse, KVError>) -> Void) {
        if case .get(let get) = request, let error = Self.injectedError(for: get.key) {
            reply(.failure(error))
        } else {
            wrapped.handle(request, reply: reply)
        }
    }

    static func injectedError(for key: Bytes) -> KVError? {
        guard let text = String(validating: key, as: UTF8.self), text.hasPrefix(keyPrefix) else { return nil }
        let name = text.dropFirst(keyPrefix.count)
        guard let code = ErrorCode.allCases.first(where: { $0.description == name }) else { return nil }
        let hint: (Int32?, String?) = code == .notLeader || code == .unavailable ? (0, "127.0.0.1:9090") : (nil, nil)
        return KVError(code, "injected \(code) for testing", leaderHint: hint.0, leaderEndpoint: hint.1)
    }
}
