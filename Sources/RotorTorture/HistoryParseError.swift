/// A history line that cannot be read, with its 1-based line number so it can be found in a file
/// of a million lines.
public struct HistoryParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var lineNumber: Int
    /// What is wrong, for example `field "time" must be an integer, got a string`.
    public var message: String

    public init(lineNumber: Int, message: String) {
        self.lineNumber = lineNumber
        self.message = message
    }

    public var description: String { "history line \(lineNumber): \(message)" }
}
