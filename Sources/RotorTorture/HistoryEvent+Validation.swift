extension HistoryEvent {
    /// What makes this event impossible to interpret, or nil when it is well-formed.
    ///
    /// The parser refuses such lines, and the verdict reports them for events built in memory,
    /// so a runner bug (a write without a value, a nemesis event with a key) shows up as a
    /// failed run instead of being silently misread.
    public func validationProblem() -> String? {
        switch process {
        case .nemesis:
            return nemesisProblem()
        case .client(let number):
            if number < 0 { return "process numbers must not be negative" }
            return clientProblem()
        }
    }

    private func nemesisProblem() -> String? {
        if !function.isNemesis { return "the nemesis cannot perform \"\(function.rawValue)\"" }
        if type != .info { return "nemesis events must have type \"info\"" }
        if key != nil { return "nemesis events must have a null key" }
        if case .pair = value { return "a nemesis value must be a string or null" }
        return nil
    }

    private func clientProblem() -> String? {
        if !function.isClientOperation { return "\"\(function.rawValue)\" is a nemesis function, not a client operation" }
        if key == nil { return "a client operation needs a key" }
        switch (function, value) {
        case (.read, .null), (.readLocal, .null):
            return nil
        case (.read, .string), (.readLocal, .string):
            return type == .invoke ? "a read's invocation must have a null value" : nil
        case (.read, .pair), (.readLocal, .pair):
            return "a read's value must be a string or null"
        case (.write, .string):
            return nil
        case (.write, _):
            return "a write's value must be the string written"
        case (.cas, .pair(_, .some)):
            return nil
        case (.cas, _):
            return "a cas value must be [expected, new] with a string new value"
        case (.delete, .null):
            return nil
        case (.delete, _):
            return "a delete's value must be null"
        default:
            return "\"\(function.rawValue)\" is not a client operation"
        }
    }
}
