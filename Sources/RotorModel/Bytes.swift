#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys and values are arbitrary bytes. Keys order by unsigned byte comparison,
/// the order `scan` promises on the wire.
public typealias Bytes = [UInt8]

extension Bytes {
    /// The bytes of a UTF-8 string: how the CLI and tests spell keys.
    @inlinable
    public init(utf8 string: String) { self = Array(string.utf8) }
}

/// Unsigned lexicographic order of byte strings (memcmp order, then length).
@inlinable
public func bytesLess(_ lhs: Bytes, _ rhs: Bytes) -> Bool {
    lhs.withUnsafeBufferPointer { l in
        rhs.withUnsafeBufferPointer { r in
            let common = Swift.min(l.count, r.count)
            if common > 0, let lb = l.baseAddress, let rb = r.baseAddress {
                let order = memcmp(lb, rb, common)
                if order != 0 { return order < 0 }
            }
            return l.count < r.count
        }
    }
}

/// One entry of a scan.
public struct KeyValue: Sendable, Hashable {
    public var key: Bytes
    public var value: Bytes

    public init(key: Bytes, value: Bytes) {
        self.key = key
        self.value = value
    }

    /// What this entry adds to a scan reply in the binary protocol: its key
    /// and value, each with a field header (3 bytes) and a length (4 bytes),
    /// plus the struct's stop byte. Scans count this against `max_scan_bytes`.
    public var wireBytes: Int { key.count + value.count + Self.wireOverheadBytes }

    /// The binary protocol's bytes per entry beyond its key and value.
    public static let wireOverheadBytes = 15
}
