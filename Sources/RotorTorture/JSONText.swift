/// The few pieces of JSON output the history format needs, hand-rolled so the field order and
/// the bytes are fixed (a general encoder would reorder keys and escape differently).
enum JSONText {
    /// `string` as a JSON string literal. Quotes, backslashes and control characters are escaped;
    /// everything else, non-ASCII included, is written as raw UTF-8, which JSON allows.
    static func quoted(_ string: String) -> String {
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u00" + hexByte(UInt8(scalar.value))
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// `string` quoted, or `null`.
    static func quotedOrNull(_ string: String?) -> String {
        string.map(quoted) ?? "null"
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
