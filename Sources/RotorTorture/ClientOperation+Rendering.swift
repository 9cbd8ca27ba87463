extension ClientOperation: CustomStringConvertible {
    /// `p3 write("k2", "v3-17") [1234567, 1239999] ok`, `p1 read("k2") → absent [5, 9] ok`,
    /// `p4 delete("k1") [1260000, …) unanswered`: everything needed to find the operation in
    /// the history file. Strings are JSON-quoted so odd characters stay visible.
    public var description: String {
        "p\(process) \(call)\(seen) \(span)"
    }

    private var call: String {
        let key = Show.string(self.key)
        switch function {
        case .write: return "write(\(key), \(Show.string(input.stringOrNil)))"
        case .cas:
            guard case .pair(let expected, let new) = input else { return "cas(\(key), ?)" }
            return "cas(\(key), \(Show.string(expected)) → \(Show.string(new)))"
        default: return "\(function.rawValue)(\(key))"
        }
    }

    /// For a read that returned: what it saw.
    private var seen: String {
        guard isOK, function == .read || function == .readLocal else { return "" }
        return " → \(Show.string(valueSeen))"
    }

    private var span: String {
        switch completion {
        case nil: return "[\(invokedAt), …) unanswered"
        case let type?: return "[\(invokedAt), \(returnedAt.map(String.init) ?? "?")] \(type.rawValue)"
        }
    }
}

/// How reports show keys and values.
enum Show {
    static let maxCharacters = 64

    /// A JSON-quoted string, shortened past `maxCharacters`; `absent` for nil.
    static func string(_ value: String?) -> String {
        guard let value else { return "absent" }
        guard value.count > maxCharacters else { return JSONText.quoted(value) }
        return JSONText.quoted(String(value.prefix(maxCharacters))) + "…(\(value.utf8.count) bytes)"
    }
}
