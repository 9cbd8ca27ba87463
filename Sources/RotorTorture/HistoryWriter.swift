#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Records a torture history as it happens: every workload client and the nemesis append events
/// concurrently, each event becomes one line of the history file, and the events are also kept
/// in memory so the verdict does not have to read the file back.
///
/// The file is the durable record (a run can be re-checked from it with `readHistory(path:)`),
/// written through stdio's buffer so a busy workload does not pay a system call per event; call
/// `flush()` to push it to the kernel (for example after each nemesis action) and `close()` at
/// the end. A lock (`Mutex`) serializes appends, so lines never interleave and the file order is
/// the order in which events were appended.
///
/// A write error does not stop the run (the events stay in memory, so the verdict still works);
/// the first one is reported by the next `flush()` or `close()`.
@available(macOS 15.0, *)
public final class HistoryWriter: Sendable {
    private struct State {
        /// nil once closed.
        var file: UnsafeMutablePointer<FILE>?
        var events: [HistoryEvent] = []
        var firstError: HistoryFileError?
    }

    /// Where the history goes.
    public let path: String
    private let state: Mutex<State>

    /// Creates (or truncates) the history file.
    public init(path: String) throws(HistoryFileError) {
        guard let file = fopen(path, "w") else {
            throw .cannotOpen(path: path, reason: HistoryFileError.systemReason())
        }
        self.path = path
        self.state = Mutex(State(file: file))
    }

    deinit {
        state.withLock { state in
            if let file = state.file { fclose(file) }
            state.file = nil
        }
    }

    /// Appends one event. Appending after `close()` is a runner bug (its clients must stop
    /// first) and traps, so no event can be missing from the file unnoticed.
    public func append(_ event: HistoryEvent) {
        let line = event.jsonLine() + "\n"
        let path = self.path
        state.withLock { state in
            guard let file = state.file else { preconditionFailure("HistoryWriter.append after close: \(line)") }
            state.events.append(event)
            guard state.firstError == nil else { return }
            var line = line
            let written = line.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
            if written != line.utf8.count {
                state.firstError = .writeFailed(path: path, reason: HistoryFileError.systemReason())
            }
        }
    }

    /// Every event appended so far, in append order.
    public var events: [HistoryEvent] {
        state.withLock { $0.events }
    }

    /// Hands the buffered lines to the kernel, so they survive a crash of this process. Throws
    /// the first write error of the run, if any.
    public func flush() throws(HistoryFileError) {
        let path = self.path
        let error: HistoryFileError? = state.withLock { state in
            if let file = state.file, state.firstError == nil, fflush(file) != 0 {
                state.firstError = .writeFailed(path: path, reason: HistoryFileError.systemReason())
            }
            return state.firstError
        }
        if let error { throw error }
    }

    /// Flushes and closes the file. Closing twice is harmless. Throws the first write error of
    /// the run, if any; the events stay available in memory either way.
    public func close() throws(HistoryFileError) {
        let path = self.path
        let error: HistoryFileError? = state.withLock { state in
            if let file = state.file {
                if fflush(file) != 0, state.firstError == nil {
                    state.firstError = .writeFailed(path: path, reason: HistoryFileError.systemReason())
                }
                if fclose(file) != 0, state.firstError == nil {
                    state.firstError = .writeFailed(path: path, reason: HistoryFileError.systemReason())
                }
                state.file = nil
            }
            return state.firstError
        }
        if let error { throw error }
    }
}
