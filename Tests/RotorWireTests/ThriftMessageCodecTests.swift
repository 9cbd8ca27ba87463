import NIOCore
import RotorModel
import Testing
@testable import RotorWire

/// Round trips through the real libthrift-c-glib encoder and decoder.
@Suite struct ThriftMessageCodecTests {
    let codec = ThriftMessageCodec()

    static let requests: [ClientRequest] = [
        .get(GetRequest(key: Bytes(utf8: "k"))),
        .get(GetRequest(key: [0, 255, 1], options: ReadOptions(consistency: .linearizable, minIndex: 42))),
        .put(PutRequest(key: Bytes(utf8: "key"), value: [])),
        .put(PutRequest(key: Bytes(utf8: "key"), value: Array(repeating: 7, count: 300),
                        options: WriteOptions(clientID: -3, requestID: 1 << 40))),
        .delete(DeleteRequest(key: Bytes(utf8: "gone"), options: WriteOptions(clientID: 1, requestID: 2))),
        .compareAndSet(CompareAndSetRequest(key: Bytes(utf8: "c"), expected: nil, newValue: Bytes(utf8: "v1"))),
        .compareAndSet(CompareAndSetRequest(key: Bytes(utf8: "c"), expected: [], newValue: Bytes(utf8: "v2"))),
        .scan(ScanRequest(startKey: [], endKey: nil, limit: 10)),
        .scan(ScanRequest(startKey: Bytes(utf8: "a"), endKey: Bytes(utf8: "b"), limit: 1,
                          options: ReadOptions(consistency: .local, minIndex: 5))),
        .ping,
        .status,
    ]

    @Test(arguments: requests)
    func callRoundTrips(_ request: ClientRequest) throws {
        var frame = ByteBuffer()
        codec.encodeCall(request, seqid: 99, into: &frame)
        let length = frame.readInteger(as: UInt32.self)
        #expect(Int(length ?? 0) == frame.readableBytes)
        #expect(try codec.decodeCall(frame) == .call(request, seqid: 99))
    }

    static let replies: [(ClientRequest.Method, Result<ClientResponse, KVError>)] = [
        (.get, .success(.get(GetResponse(value: nil, appliedIndex: 3)))),
        (.get, .success(.get(GetResponse(value: [], appliedIndex: 4)))),
        (.get, .success(.get(GetResponse(value: [1, 2, 3], appliedIndex: 5)))),
        (.put, .success(.put(PutResponse(index: 77)))),
        (.delete, .success(.delete(DeleteResponse(existed: true, index: 8)))),
        (.compareAndSet, .success(.compareAndSet(CompareAndSetResponse(succeeded: false, current: [9], index: 10)))),
        (.compareAndSet, .success(.compareAndSet(CompareAndSetResponse(succeeded: true, current: nil, index: 11)))),
        (.scan, .success(.scan(ScanResponse(entries: [KeyValue(key: [1], value: [2]), KeyValue(key: [3], value: [])],
                                            continuation: [4], appliedIndex: 12)))),
        (.scan, .success(.scan(ScanResponse(entries: [], continuation: nil, appliedIndex: 0)))),
        (.ping, .success(.ping)),
        (.status, .success(.status(ReplicaStatus(
            replicaID: 1, role: .follower, term: 9, leaderID: 0, lastIndex: 10, commitIndex: 9, appliedIndex: 8,
            replicaCount: 3, endpoints: ["a:1", "b:2", "c:3"], keyCount: 5, uptimeMilliseconds: 1234, version: "x")))),
        // The digest is unsigned: one with the top bit set must survive the signed i64 on the wire.
        (.status, .success(.status(ReplicaStatus(
            replicaID: 2, role: .leader, term: 9, leaderID: 2, lastIndex: 90, commitIndex: 90, appliedIndex: 89,
            replicaCount: 3, endpoints: ["a:1", "b:2", "c:3"], keyCount: 5, uptimeMilliseconds: 1234, version: "x",
            stateDigest: 0xfedc_ba98_7654_3210, snapshotIndex: 64, logStartIndex: 33)))),
        (.status, .success(.status(ReplicaStatus(
            replicaID: 0, role: .standalone, term: 0, leaderID: 0, lastIndex: 0, commitIndex: 0, appliedIndex: 0,
            replicaCount: 1, endpoints: ["a:1"], keyCount: 0, uptimeMilliseconds: 1, version: "x",
            stateDigest: 0, snapshotIndex: 0, logStartIndex: 1)))),
        (.put, .failure(KVError(.notLeader, "try the leader", leaderHint: 2, leaderEndpoint: "127.0.0.1:9092"))),
        (.ping, .failure(KVError(.overloaded, "busy"))),
        (.status, .failure(KVError(.unauthorized, "no"))),
    ]

    @Test(arguments: 0..<replies.count)
    func replyRoundTrips(_ index: Int) throws {
        let (method, outcome) = Self.replies[index]
        var frame = ByteBuffer()
        codec.encodeReply(outcome, method: method, seqid: 5, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(try codec.decodeReply(frame, method: method, seqid: 5) == outcome)
    }

    @Test func everyErrorCodeSurvivesTheWire() throws {
        for code in ErrorCode.allCases {
            var frame = ByteBuffer()
            codec.encodeReply(.failure(KVError(code, "m")), method: .get, seqid: 1, into: &frame)
            frame.moveReaderIndex(forwardBy: 4)
            #expect(try codec.decodeReply(frame, method: .get, seqid: 1) == .failure(KVError(code, "m")))
        }
    }

    /// `rotorkv status` shows each role by name, `recovering` included: none may decay into another on the wire.
    @Test func everyRoleSurvivesTheWire() throws {
        for role in [ReplicaRole.standalone, .leader, .follower, .electing, .recovering] {
            let status = ReplicaStatus(replicaID: 2, role: role, term: 4, leaderID: nil, lastIndex: 0, commitIndex: 0, appliedIndex: 0,
                                       replicaCount: 3, endpoints: ["a:1", "b:2", "c:3"], keyCount: 0, uptimeMilliseconds: 1, version: "x")
            var frame = ByteBuffer()
            codec.encodeReply(.success(.status(status)), method: .status, seqid: 1, into: &frame)
            frame.moveReaderIndex(forwardBy: 4)
            #expect(try codec.decodeReply(frame, method: .status, seqid: 1) == .success(.status(status)))
        }
        #expect(ReplicaRole.recovering.description == "recovering")
    }

    /// A server older than state_digest, snapshot_index and log_start_index
    /// sends none of them: the client reads "not reported" (nil), never a 0
    /// that would claim "no snapshot" or pass for a real digest.
    @Test func statusFromAnOlderServerHasNoDigestOrSnapshot() throws {
        var bytes = ThriftBytes()
        bytes.messageBegin("status", type: 2, seqid: 4)
        bytes.fieldBegin(ThriftBytes.typeStruct, id: 0)  // the result's `success`: StatusResponse fields 1-12
        bytes.i32(1, 1)
        bytes.i32(2, ReplicaRole.follower.rawValue)
        bytes.i64(3, 7)
        bytes.i32(4, 0)
        bytes.i64(5, 12)
        bytes.i64(6, 11)
        bytes.i64(7, 10)
        bytes.i32(8, 3)
        bytes.fieldBegin(ThriftBytes.typeList, id: 9)
        bytes.buffer.writeInteger(ThriftBytes.typeString)
        bytes.buffer.writeInteger(Int32(3))
        for endpoint in ["a:1", "b:2", "c:3"] { bytes.string(endpoint) }
        bytes.i64(10, 4)
        bytes.i64(11, 5000)
        bytes.fieldBegin(ThriftBytes.typeString, id: 12)
        bytes.string("0.0.9")
        bytes.stop()
        bytes.stop()
        let decoded = try codec.decodeReply(bytes.buffer, method: .status, seqid: 4)
        #expect(decoded == .success(.status(ReplicaStatus(
            replicaID: 1, role: .follower, term: 7, leaderID: 0, lastIndex: 12, commitIndex: 11, appliedIndex: 10,
            replicaCount: 3, endpoints: ["a:1", "b:2", "c:3"], keyCount: 4, uptimeMilliseconds: 5000, version: "0.0.9",
            stateDigest: nil, snapshotIndex: nil, logStartIndex: nil))))
    }

    @Test func replyWithTheWrongSequenceIDIsRejected() {
        var frame = ByteBuffer()
        codec.encodeReply(.success(.ping), method: .ping, seqid: 5, into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(throws: WireError.self) { try codec.decodeReply(frame, method: .ping, seqid: 6) }
    }

    @Test func applicationExceptionReachesTheClient() throws {
        var frame = ByteBuffer()
        codec.encodeApplicationException(name: "get", seqid: 3, type: .unknownMethod, message: "nope", into: &frame)
        frame.moveReaderIndex(forwardBy: 4)
        #expect(throws: WireError.applicationException(type: 1, message: "nope")) {
            try codec.decodeReply(frame, method: .get, seqid: 3)
        }
    }
}
