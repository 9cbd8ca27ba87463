import RotorModel

/// What a log entry asks the state machine to do: a write, or the
/// registration of a client session (Raft dissertation §6.3).
///
/// A registration is the two bytes `[1, 4]`: `LogCommand`'s format version
/// and opcode 4, with no session and no operands. Its log index becomes the
/// new client id.
public enum LogPayload: Sendable, Equatable {
    case write(LogCommand)
    case registerSession

    /// The encoding of a registration.
    public static let registerSessionEncoding: Bytes = [LogCommand.formatVersion, LogCommand.Opcode.registerSession]

    public func encoded() -> Bytes {
        switch self {
        case .write(let command): command.encoded()
        case .registerSession: Self.registerSessionEncoding
        }
    }

    /// Decodes an entry strictly; malformed input is an INTERNAL error, never a trap.
    public static func decode(_ bytes: Bytes) throws(KVError) -> LogPayload {
        if bytes == registerSessionEncoding { return .registerSession }
        return .write(try LogCommand.decode(bytes))
    }
}
