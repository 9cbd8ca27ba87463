import NIOCore
import RotorModel
import Testing
@testable import RotorWire

/// Whatever bytes arrive, decoding ends in a value or a `WireError`:
/// never a crash, a hang, or an allocation the frame cannot justify.
@Suite struct MalformedInputTests {
    let codec = ThriftMessageCodec()

    func putCall() -> ByteBuffer {
        var frame = ByteBuffer()
        codec.encodeCall(.put(PutRequest(key: Bytes(utf8: "key"), value: Bytes(utf8: "value"),
                                         options: WriteOptions(clientID: 1, requestID: 2))), seqid: 1, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        return frame
    }

    @Test func everyTruncationIsAnError() {
        let whole = putCall()
        for length in 0..<whole.readableBytes {
            let truncated = whole.getSlice(at: whole.readerIndex, length: length)!
            #expect(throws: WireError.self) { try codec.decodeCall(truncated) }
        }
    }

    @Test func unknownMethodIsReported() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("launchMissiles")
        bytes.stop()
        #expect(try codec.decodeCall(bytes.buffer) == .unknownMethod(name: "launchMissiles", seqid: 7))
    }

    @Test func wrongProtocolVersionIsMalformed() {
        var bytes = ThriftBytes()
        bytes.messageBegin("get", version: 0x8002_0000)
        bytes.stop()
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    /// The 0.17 reader accepted a negative length and then copied ~4 GB from NULL.
    @Test(arguments: [Int32(-1), Int32.min, Int32.max, 1 << 30])
    func lyingBinaryLengthIsRejected(_ claimed: Int32) {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeString, id: 1)
        bytes.binary([1, 2, 3], claimedLength: claimed)
        bytes.stop()
        bytes.stop()
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    /// The generated reader freed a repeated binary field with g_free (heap corruption).
    @Test func repeatedBinaryFieldKeepsTheLastValue() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeString, id: 1)
        bytes.binary([1, 2, 3])
        bytes.fieldBegin(ThriftBytes.typeString, id: 1)
        bytes.binary([4, 5])
        bytes.stop()
        bytes.stop()
        #expect(try codec.decodeCall(bytes.buffer) == .call(.get(GetRequest(key: [4, 5])), seqid: 7))
    }

    @Test func missingRequiredFieldIsInvalidArguments() {
        var bytes = ThriftBytes()
        bytes.messageBegin("put")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeString, id: 1)
        bytes.binary([1])
        bytes.stop()  // no value
        bytes.stop()
        #expect {
            try codec.decodeCall(bytes.buffer)
        } throws: { error in
            guard case WireError.invalidArguments(let method, let seqid, _) = error else { return false }
            return method == "put" && seqid == 7
        }
    }

    @Test func hugeListSizeIsRejected() {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeList, id: 9)  // unknown field: skipped
        bytes.buffer.writeInteger(UInt8(ThriftBytes.typeI32))
        bytes.buffer.writeInteger(Int32.max)
        bytes.stop()
        bytes.stop()
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    /// An unknown field nested a million structs deep must not exhaust the stack.
    @Test func deeplyNestedUnknownStructIsRejected() {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        for _ in 0..<1_000_000 { bytes.fieldBegin(ThriftBytes.typeStruct, id: 9) }
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    @Test func deeplyNestedListsAreRejected() {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeList, id: 9)
        for _ in 0..<1_000_000 {
            bytes.buffer.writeInteger(ThriftBytes.typeList)
            bytes.buffer.writeInteger(Int32(1))
        }
        #expect(throws: WireError.self) { try codec.decodeCall(bytes.buffer) }
    }

    @Test func nestingWithinTheLimitStillDecodes() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("get")
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 1)
        bytes.fieldBegin(ThriftBytes.typeString, id: 1)
        bytes.binary([1])
        for _ in 0..<20 { bytes.fieldBegin(ThriftBytes.typeStruct, id: 9) }  // an unknown field, nested 20 deep
        for _ in 0..<21 { bytes.stop() }
        bytes.stop()
        #expect(try codec.decodeCall(bytes.buffer) == .call(.get(GetRequest(key: [1])), seqid: 7))
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0xC0FFEE)
        let valid = putCall()
        for round in 0..<20_000 {
            var frame = ByteBuffer()
            if round % 2 == 0 {
                let count = Int(generator.next() % 64)
                for _ in 0..<count { frame.writeInteger(UInt8(truncatingIfNeeded: generator.next())) }
            } else {
                var bytes = Array(valid.readableBytesView)
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
                frame.writeBytes(bytes)
            }
            _ = try? codec.decodeCall(frame)
        }
        // Still decodes a good frame afterwards.
        #expect((try? codec.decodeCall(valid)) != nil)
    }
}
