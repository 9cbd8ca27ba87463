#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a history file could not be written or read. A torture run whose history is incomplete
/// on disk cannot be re-checked later, so write errors are reported, never swallowed.
public enum HistoryFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case readFailed(path: String, reason: String)
    /// The file was read but one of its lines is not a history event.
    case malformed(path: String, HistoryParseError)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        case .readFailed(let path, let reason): return "cannot read \(path): \(reason)"
        case .malformed(let path, let error): return "\(path): \(error)"
        }
    }

    /// The C library's text for the current `errno`.
    static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
