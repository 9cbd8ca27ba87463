/// One thing a check found wrong, in terms a developer can act on: the key, what happened, and
/// the operations involved (which the message also names, with their processes and times, so
/// they can be found in the history file).
public struct TortureFinding: Sendable, Hashable, CustomStringConvertible {
    /// The key concerned; nil for findings about no particular key (convergence, a malformed
    /// event of the nemesis).
    public var key: String?
    /// What is wrong. May span several lines; the first one is the headline.
    public var message: String
    /// The operations the message names, most important first.
    public var operations: [ClientOperation]

    public init(key: String?, message: String, operations: [ClientOperation] = []) {
        self.key = key
        self.message = message
        self.operations = operations
    }

    public var description: String { message }
}
