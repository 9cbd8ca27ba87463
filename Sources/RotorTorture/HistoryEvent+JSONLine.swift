extension HistoryEvent {
    /// The event as one JSON line (no trailing newline), fields always in the order
    /// process, type, f, key, value, time, with no spaces: byte-for-byte the documented layout,
    /// so histories diff cleanly and tools can rely on it.
    public func jsonLine() -> String {
        var line = "{\"process\":"
        switch process {
        case .client(let number): line += String(number)
        case .nemesis: line += "\"nemesis\""
        }
        line += ",\"type\":" + JSONText.quoted(type.rawValue)
        line += ",\"f\":" + JSONText.quoted(function.rawValue)
        line += ",\"key\":" + JSONText.quotedOrNull(key)
        line += ",\"value\":" + Self.json(value)
        line += ",\"time\":" + String(time) + "}"
        return line
    }

    private static func json(_ value: HistoryValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let string): return JSONText.quoted(string)
        case .pair(let first, let second):
            return "[" + JSONText.quotedOrNull(first) + "," + JSONText.quotedOrNull(second) + "]"
        }
    }
}
