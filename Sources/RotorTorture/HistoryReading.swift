#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a whole history, one event per line. Blank lines are skipped; any other line that is
/// not an event stops the parse with its line number.
public func parseHistory(_ text: String) throws(HistoryParseError) -> [HistoryEvent] {
    try parseHistory(utf8: Array(text.utf8))
}

/// Reads a history file written by `HistoryWriter`, so a finished (or interrupted) run can be
/// checked again, or checked with a newer verdict, without running the cluster.
public func readHistory(path: String) throws(HistoryFileError) -> [HistoryEvent] {
    let bytes = try readFile(path: path)
    do {
        return try parseHistory(utf8: bytes)
    } catch {
        throw .malformed(path: path, error)
    }
}

/// Splits on newline bytes first, so a line that is not valid UTF-8 is reported with its number
/// instead of being decoded with replacement characters.
private func parseHistory(utf8 bytes: [UInt8]) throws(HistoryParseError) -> [HistoryEvent] {
    var events: [HistoryEvent] = []
    var lineNumber = 0
    for lineBytes in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        lineNumber += 1
        if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        let line = String(decoding: lineBytes, as: UTF8.self)
        guard line.utf8.elementsEqual(lineBytes) else {
            throw HistoryParseError(lineNumber: lineNumber, message: "the line is not valid UTF-8")
        }
        events.append(try HistoryEvent.parse(line: line, lineNumber: lineNumber))
    }
    return events
}

private func readFile(path: String) throws(HistoryFileError) -> [UInt8] {
    guard let file = fopen(path, "r") else { throw .cannotOpen(path: path, reason: HistoryFileError.systemReason()) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes.append(contentsOf: chunk[0..<count])
        if count < chunk.count { break }
    }
    if ferror(file) != 0 { throw .readFailed(path: path, reason: HistoryFileError.systemReason()) }
    return bytes
}
