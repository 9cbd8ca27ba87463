import RotorModel

/// Short, unambiguous text for values and operations, for violation reports. Keys and values in
/// tests are usually readable strings, so those print as strings; anything else prints as hex.
enum Rendering {
    static let maxShownBytes = 32

    static func value(_ value: Bytes?) -> String {
        guard let value else { return "absent" }
        let shown = value.prefix(maxShownBytes)
        let suffix = value.count > maxShownBytes ? "…(\(value.count) bytes)" : ""
        let printable = shown.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
        if printable {
            return "\"" + String(decoding: shown, as: UTF8.self) + "\"" + suffix
        }
        let hexDigits = Array("0123456789abcdef")
        var hex = "0x"
        for byte in shown {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0xF)])
        }
        return hex + suffix
    }

    /// The operation with its inputs and, when known, its output: `write("a")`, `read → "a"`,
    /// `cas(absent → "b") → failed`.
    static func call(_ kind: OperationKind, _ outcome: OperationOutcome) -> String {
        var output: OperationOutput?
        if case .ok(let observed) = outcome { output = observed }
        switch kind {
        case .read:
            if case .read(let seen)? = output { return "read → \(value(seen))" }
            return "read"
        case .write(let written):
            return "write(\(value(written)))"
        case .delete:
            if case .delete(let existed?)? = output { return "delete → " + (existed ? "existed" : "did not exist") }
            return "delete"
        case .compareAndSet(let expected, let new):
            let call = "cas(\(value(expected)) → \(value(new)))"
            if case .compareAndSet(let succeeded)? = output { return call + (succeeded ? " → succeeded" : " → failed") }
            return call
        }
    }
}

extension HistoryOperation: CustomStringConvertible {
    /// `p3 write("a") [120, 340]`, or with `unknown`/`fail` spelled out.
    public var description: String {
        let operation = "p\(process) \(Rendering.call(kind, outcome))"
        switch outcome {
        case .ok:
            return operation + " [\(invokedAt), \(returnedAt.map(String.init) ?? "?")]"
        case .unknown:
            return operation + " [\(invokedAt), ∞) outcome unknown"
        case .fail:
            return operation + " [\(invokedAt), \(returnedAt.map(String.init) ?? "?")] failed"
        }
    }
}
