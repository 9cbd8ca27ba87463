import CZlib
import RotorModel

/// The few zlib calls snapshots need, with Swift-shaped signatures.
enum Zlib {
    /// Fastest level: snapshots of large states are taken often, and the
    /// ratio gained by higher levels on small keys is modest.
    static let level: Int32 = 1

    /// The most a zlib stream expands on decompression (deflate's ratio limit
    /// is 1032:1); bounds how much a snapshot header may claim.
    static let maxExpansion = 1032

    /// CRC-32 (the zlib/PNG polynomial) of `bytes`, continuing from `crc`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        let pointer = base.assumingMemoryBound(to: Bytef.self)
        return UInt32(truncatingIfNeeded: crc32_z(uLong(crc), pointer, bytes.count))
    }

    /// The largest compressed size of `count` bytes.
    static func compressBound(_ count: Int) -> Int {
        Int(CZlib.compressBound(uLong(count)))
    }

    /// Compresses `source` into `destination` (at least `compressBound` bytes);
    /// returns the compressed size.
    static func compress(_ source: Bytes, into destination: UnsafeMutableRawBufferPointer) -> Int {
        var written = uLong(destination.count)
        let status = source.withUnsafeBufferPointer { input in
            compress2(destination.baseAddress!.assumingMemoryBound(to: Bytef.self), &written,
                      input.baseAddress, uLong(input.count), level)
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        return Int(written)
    }

    /// Decompresses the zlib stream that fills `source[offset...]`; it must
    /// expand to exactly `size` bytes and end exactly at the end of `source`.
    static func uncompress(_ source: Bytes, from offset: Int, size: Int) throws(KVError) -> Bytes {
        let inputCount = source.count - offset
        guard size > 0, inputCount > 0 else { throw .internalError("corrupt snapshot: empty compressed payload") }
        var consumed = uLong(inputCount)
        var produced = uLong(size)
        var status: Int32 = Z_OK
        let output = source.withUnsafeBufferPointer { input in
            Bytes(unsafeUninitializedCapacity: size) { buffer, initialized in
                status = uncompress2(buffer.baseAddress!, &produced, input.baseAddress! + offset, &consumed)
                initialized = status == Z_OK ? Int(produced) : 0
            }
        }
        guard status == Z_OK else { throw .internalError("corrupt snapshot: zlib could not decompress it (status \(status))") }
        guard Int(produced) == size, Int(consumed) == inputCount else {
            throw .internalError("corrupt snapshot: payload decompressed to \(produced) of \(size) bytes, consuming \(consumed) of \(inputCount)")
        }
        return output
    }
}
