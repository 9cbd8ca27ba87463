import TOMLKit

/// A TOML table that remembers which keys were read, so that `finish()` can
/// reject any key nobody asked for (a typo) with its full dotted name.
struct StrictTable {
    let table: TOMLTable
    let path: String
    let source: String
    private var consumed: Set<String> = []

    init(_ table: TOMLTable, path: String, source: String) {
        self.table = table
        self.path = path
        self.source = source
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    func error(_ key: String, _ problem: String) -> ConfigurationError {
        ConfigurationError("\(source): \(qualified(key)) \(problem)")
    }

    private func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func section(_ key: String) throws(ConfigurationError) -> StrictTable? {
        guard let value = take(key) else { return nil }
        guard let table = value.table else { throw error(key, "must be a table ([\(key)])") }
        return StrictTable(table, path: qualified(key), source: source)
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = take(key) else { return nil }
        guard let string = value.string else { throw error(key, "must be a string") }
        return string
    }

    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = take(key) else { return nil }
        guard let bool = value.bool else { throw error(key, "must be true or false") }
        return bool
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = take(key) else { return nil }
        guard let int = value.int else { throw error(key, "must be an integer") }
        guard range.contains(int) else { throw error(key, "must be in \(range.lowerBound)...\(range.upperBound); got \(int)") }
        return int
    }

    mutating func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let value = take(key) else { return nil }
        guard let array = value.array else { throw error(key, "must be an array of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw error(key, "must be an array of strings") }
            strings.append(string)
        }
        return strings
    }

    /// Fails on the first key that was present but never read.
    func finish() throws(ConfigurationError) {
        for key in table.keys.sorted() where !consumed.contains(key) {
            throw ConfigurationError("\(source): unknown key \(qualified(key))")
        }
    }

    private mutating func take(_ key: String) -> TOMLValueConvertible? {
        consumed.insert(key)
        return table[key]
    }
}
