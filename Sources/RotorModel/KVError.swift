/// The one error type RotorKV reports. It is the Swift face of the IDL's
/// `KvError` exception: `code` is exactly what a client sees on the wire.
public struct KVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// With NOT_LEADER / UNAVAILABLE: the replica believed to lead.
    public var leaderHint: Int32?
    /// That replica's client endpoint, "host:port".
    public var leaderEndpoint: String?

    public init(_ code: ErrorCode, _ message: String, leaderHint: Int32? = nil, leaderEndpoint: String? = nil) {
        self.code = code
        self.message = message
        self.leaderHint = leaderHint
        self.leaderEndpoint = leaderEndpoint
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let leaderEndpoint { text += " (leader: \(leaderEndpoint))" } else if let leaderHint { text += " (leader: replica \(leaderHint))" }
        return text
    }

    public static func invalidArgument(_ message: String) -> KVError { KVError(.invalidArgument, message) }
    public static func tooLarge(_ message: String) -> KVError { KVError(.tooLarge, message) }
    public static func unavailable(_ message: String) -> KVError { KVError(.unavailable, message) }
    public static func timeout(_ message: String) -> KVError { KVError(.timeout, message) }
    public static func overloaded(_ message: String) -> KVError { KVError(.overloaded, message) }
    public static func internalError(_ message: String) -> KVError { KVError(.internalError, message) }
    public static func sessionExpired(_ message: String) -> KVError { KVError(.sessionExpired, message) }
}
