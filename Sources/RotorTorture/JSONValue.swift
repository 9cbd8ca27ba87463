/// A parsed JSON value, as far as one history line needs: objects appear only at the top level,
/// so there is no case for them, and numbers are kept as integers when they are integers, so
/// `"time": 1.5` can be refused with a clear message instead of being rounded.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case string(String)
    case integer(Int64)
    /// A number with a fraction or exponent, or one too large for Int64; kept as written.
    case otherNumber(String)
    case array([JSONValue])

    /// How error messages name the kind of value found.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .string: return "a string"
        case .integer: return "an integer"
        case .otherNumber(let text): return "the number \(text)"
        case .array(let elements): return "an array of \(elements.count) elements"
        }
    }
}
