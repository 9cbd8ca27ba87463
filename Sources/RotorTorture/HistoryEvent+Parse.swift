extension HistoryEvent {
    /// Reads one history line. Field order and whitespace are free and unknown fields are ignored
    /// (so the format can grow), but the six documented fields must all be present with the
    /// right types, and the event must make sense (see `validationProblem()`): a history that
    /// is misread would make the verdict meaningless, so anything doubtful is an error.
    public static func parse(line: String, lineNumber: Int) throws(HistoryParseError) -> HistoryEvent {
        let fields: [(name: String, value: JSONValue)]
        do {
            fields = try JSONObjectScanner.fields(of: line)
        } catch {
            throw HistoryParseError(lineNumber: lineNumber, message: "\(error.message) (column \(error.column))")
        }
        let reader = FieldReader(fields: fields, lineNumber: lineNumber)
        let event = HistoryEvent(
            process: try reader.process(),
            type: try reader.enumeration("type", HistoryEventType.self),
            function: try reader.enumeration("f", HistoryFunction.self),
            key: try reader.stringOrNull("key"),
            value: try reader.value(),
            time: try reader.integer("time"))
        if let problem = event.validationProblem() {
            throw HistoryParseError(lineNumber: lineNumber, message: problem)
        }
        return event
    }
}

/// Typed access to the fields of one line, each failure naming the field and what was found.
private struct FieldReader {
    let fields: [(name: String, value: JSONValue)]
    let lineNumber: Int

    func field(_ name: String) throws(HistoryParseError) -> JSONValue {
        guard let found = fields.first(where: { $0.name == name }) else { throw failure("missing field \"\(name)\"") }
        return found.value
    }

    func process() throws(HistoryParseError) -> HistoryProcess {
        switch try field("process") {
        case .integer(let number) where number >= 0 && number <= Int64(Int.max):
            return .client(Int(number))
        case .string("nemesis"):
            return .nemesis
        case let other:
            throw failure("field \"process\" must be a non-negative integer or \"nemesis\", got \(other.kindName)")
        }
    }

    func enumeration<Value: RawRepresentable & CaseIterable>(
        _ name: String, _: Value.Type
    ) throws(HistoryParseError) -> Value where Value.RawValue == String {
        let found = try field(name)
        guard case .string(let text) = found else { throw failure("field \"\(name)\" must be a string, got \(found.kindName)") }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw failure("field \"\(name)\" is \"\(text)\"; expected one of \(allowed)")
        }
        return value
    }

    func stringOrNull(_ name: String) throws(HistoryParseError) -> String? {
        switch try field(name) {
        case .string(let text): return text
        case .null: return nil
        case let other: throw failure("field \"\(name)\" must be a string or null, got \(other.kindName)")
        }
    }

    func value() throws(HistoryParseError) -> HistoryValue {
        switch try field("value") {
        case .null: return .null
        case .string(let text): return .string(text)
        case .array(let elements) where elements.count == 2:
            return .pair(try pairElement(elements[0]), try pairElement(elements[1]))
        case let other:
            throw failure("field \"value\" must be a string, null or a pair [expected, new], got \(other.kindName)")
        }
    }

    private func pairElement(_ element: JSONValue) throws(HistoryParseError) -> String? {
        switch element {
        case .string(let text): return text
        case .null: return nil
        default: throw failure("the elements of a value pair must be strings or null, got \(element.kindName)")
        }
    }

    func integer(_ name: String) throws(HistoryParseError) -> Int64 {
        let found = try field(name)
        guard case .integer(let number) = found else { throw failure("field \"\(name)\" must be an integer, got \(found.kindName)") }
        return number
    }

    private func failure(_ message: String) -> HistoryParseError {
        HistoryParseError(lineNumber: lineNumber, message: message)
    }
}
