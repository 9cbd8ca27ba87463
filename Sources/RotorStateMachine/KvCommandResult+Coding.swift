import RotorModel

/// The snapshot encoding of a cached result: one tag byte, plus the current
/// value of a failed compare-and-set that found one.
extension KvCommandResult {
    private enum Tag {
        static let put: UInt8 = 1
        static let deleteAbsent: UInt8 = 2
        static let deleteExisted: UInt8 = 3
        static let casSucceeded: UInt8 = 4
        static let casFailedAbsent: UInt8 = 5
        static let casFailedWithValue: UInt8 = 6
    }

    /// The fewest bytes an encoded result takes; bounds counts when decoding.
    static let minimumEncodedSize = 1

    func encode<Sink: ByteSink>(into sink: inout Sink) {
        switch self {
        case .put:
            sink.append(Tag.put)
        case .delete(let existed):
            sink.append(existed ? Tag.deleteExisted : Tag.deleteAbsent)
        case .compareAndSet(true, _):
            sink.append(Tag.casSucceeded)
        case .compareAndSet(false, nil):
            sink.append(Tag.casFailedAbsent)
        case .compareAndSet(false, let current?):
            sink.append(Tag.casFailedWithValue)
            sink.writeLengthPrefixed(current)
        }
    }

    static func decode(from reader: inout ByteReader) throws(KVError) -> KvCommandResult {
        let tag = try reader.readByte()
        switch tag {
        case Tag.put: return .put
        case Tag.deleteAbsent: return .delete(existed: false)
        case Tag.deleteExisted: return .delete(existed: true)
        case Tag.casSucceeded: return .compareAndSet(succeeded: true, current: nil)
        case Tag.casFailedAbsent: return .compareAndSet(succeeded: false, current: nil)
        case Tag.casFailedWithValue:
            return .compareAndSet(succeeded: false, current: try reader.readLengthPrefixed("cached current value"))
        default: throw reader.corrupt("unknown cached result tag \(tag)")
        }
    }
}
