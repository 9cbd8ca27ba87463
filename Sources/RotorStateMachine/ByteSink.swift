import RotorModel

/// Somewhere canonical encodings are written to. One encoder feeds both the
/// snapshot buffer and the digest, so the digest is by construction a hash of
/// exactly the bytes a snapshot would carry.
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: Bytes)
}

extension ByteSink {
    /// Unsigned LEB128: lengths and counts are usually small, so most take one byte.
    mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(truncatingIfNeeded: rest))
    }

    /// A length or count as a varint.
    mutating func writeCount(_ count: Int) {
        writeVarint(UInt64(count))
    }

    /// Eight bytes, little-endian: for values that are usually large (ids, indexes).
    mutating func writeFixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    mutating func writeInt64(_ value: Int64) {
        writeFixed64(UInt64(bitPattern: value))
    }

    /// A varint length, then the bytes.
    mutating func writeLengthPrefixed(_ bytes: Bytes) {
        writeCount(bytes.count)
        append(contentsOf: bytes)
    }
}

/// Collects an encoding into a byte array.
struct ByteWriter: ByteSink {
    private(set) var bytes: Bytes = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(contentsOf more: Bytes) {
        bytes.append(contentsOf: more)
    }
}
