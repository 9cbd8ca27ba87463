/// Failures of the wire itself, as opposed to `KVError`, which a healthy wire
/// carries. A peer that sends any of these is misbehaving or out of sync: the
/// connection that saw it is closed (except for `invalidArguments`, which is
/// answered with a TApplicationException because the frame boundary is intact).
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The frame header announced a length beyond the configured maximum.
    case frameTooLarge(length: Int64, limit: Int)
    /// The frame header announced a negative length.
    case negativeFrameLength(Int32)
    /// The message header could not be decoded (bad version, truncation, garbage).
    case malformedMessage(String)
    /// The header was fine but the arguments were not: answered with PROTOCOL_ERROR.
    case invalidArguments(method: String, seqid: Int32, reason: String)
    /// The peer answered with a TApplicationException.
    case applicationException(type: Int32, message: String)
    /// A reply did not match the call it answers (name, sequence id or type).
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit): "frame of \(length) bytes exceeds the limit of \(limit) bytes"
        case .negativeFrameLength(let length): "negative frame length \(length)"
        case .malformedMessage(let reason): "malformed message: \(reason)"
        case .invalidArguments(let method, _, let reason): "invalid arguments for \(method): \(reason)"
        case .applicationException(let type, let message):
            "TApplicationException \(ApplicationExceptionType(rawValue: type).map { "\($0)" } ?? "\(type)"): \(message)"
        case .unexpectedReply(let reason): "unexpected reply: \(reason)"
        }
    }
}

/// Thrift's TApplicationException types (shared by every Thrift language).
public enum ApplicationExceptionType: Int32, Sendable {
    case unknown = 0
    case unknownMethod = 1
    case invalidMessageType = 2
    case wrongMethodName = 3
    case badSequenceID = 4
    case missingResult = 5
    case internalError = 6
    case protocolError = 7
}
