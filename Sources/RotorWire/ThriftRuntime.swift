import CThriftGLib
import Logging
import RotorThriftGen

/// One-time set-up of libthrift-c-glib for a process.
///
/// Why it exists: 0.17's generated `*_get_type()` functions race on first use
/// (types end up invalid), and some library finalizers leak. `rkv_thrift_init`
/// registers every type up front and patches those finalizers; it must run
/// before any thread encodes or decodes. GLib's own log output (e.g. the
/// warnings it prints when a peer resets) is routed into swift-log.
public enum ThriftRuntime {
    /// Idempotent and thread-safe. Every codec initialiser calls it.
    public static func initialize() {
        _ = initialized
    }

    private static let initialized: Bool = {
        rkv_thrift_init()
        g_log_set_default_handler({ domain, level, message, _ in
            forwardGLibLog(domain: domain, level: level, message: message)
        }, nil)
        return true
    }()
}

private let glibLogger = Logger(label: "rotorkv.glib")

private func forwardGLibLog(domain: UnsafePointer<gchar>?, level: GLogLevelFlags, message: UnsafePointer<gchar>?) {
    let text = message.map { String(cString: $0) } ?? ""
    let source = domain.map { String(cString: $0) } ?? "glib"
    let bits = level.rawValue
    let swiftLevel: Logger.Level
    if bits & (G_LOG_LEVEL_ERROR.rawValue | G_LOG_LEVEL_CRITICAL.rawValue) != 0 {
        swiftLevel = .error
    } else if bits & G_LOG_LEVEL_WARNING.rawValue != 0 {
        swiftLevel = .warning
    } else if bits & (G_LOG_LEVEL_MESSAGE.rawValue | G_LOG_LEVEL_INFO.rawValue) != 0 {
        swiftLevel = .info
    } else {
        swiftLevel = .debug
    }
    glibLogger.log(level: swiftLevel, "\(text)", metadata: ["domain": "\(source)"])
}
