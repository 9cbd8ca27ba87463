import NIOCore

/// Hand-assembles Thrift binary-protocol messages, so tests can build frames
/// that no well-behaved encoder would produce.
struct ThriftBytes {
    var buffer = ByteBuffer()

    static let call: Int32 = 1

    mutating func messageBegin(_ name: String, type: Int32 = call, seqid: Int32 = 7, version: UInt32 = 0x8001_0000) {
        buffer.writeInteger(UInt32(version) | UInt32(type))
        string(name)
        buffer.writeInteger(seqid)
    }

    mutating func fieldBegin(_ type: UInt8, id: Int16) {
        buffer.writeInteger(type)
        buffer.writeInteger(id)
    }

    mutating func string(_ text: String) {
        buffer.writeInteger(Int32(text.utf8.count))
        buffer.writeString(text)
    }

    mutating func binary(_ bytes: [UInt8], claimedLength: Int32? = nil) {
        buffer.writeInteger(claimedLength ?? Int32(bytes.count))
        buffer.writeBytes(bytes)
    }

    mutating func stop() { buffer.writeInteger(UInt8(0)) }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldBegin(Self.typeI32, id: id)
        buffer.writeInteger(value)
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldBegin(Self.typeI64, id: id)
        buffer.writeInteger(value)
    }

    static let typeStruct: UInt8 = 12
    static let typeString: UInt8 = 11
    static let typeI32: UInt8 = 8
    static let typeI64: UInt8 = 10
    static let typeList: UInt8 = 15
}
