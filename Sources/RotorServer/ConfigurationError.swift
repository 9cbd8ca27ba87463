/// A configuration file that cannot be used. The message names the file and
/// the offending key, so an operator can fix it without reading code.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
