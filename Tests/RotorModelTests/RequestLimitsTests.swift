import RotorModel
import Testing

@Suite struct RequestLimitsTests {
    let limits = RequestLimits(maxKeyBytes: 4, maxValueBytes: 8, maxScanLimit: 10)

    func code(_ request: ClientRequest) -> ErrorCode? {
        do {
            try limits.validate(request)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func emptyKeysAreInvalid() {
        #expect(code(.get(GetRequest(key: []))) == .invalidArgument)
        #expect(code(.put(PutRequest(key: [], value: [1]))) == .invalidArgument)
        #expect(code(.delete(DeleteRequest(key: []))) == .invalidArgument)
        #expect(code(.compareAndSet(CompareAndSetRequest(key: [], expected: nil, newValue: [1]))) == .invalidArgument)
    }

    @Test func oversizeKeysAndValuesAreTooLarge() {
        #expect(code(.get(GetRequest(key: [1, 2, 3, 4, 5]))) == .tooLarge)
        #expect(code(.put(PutRequest(key: [1], value: Array(repeating: 0, count: 9)))) == .tooLarge)
        #expect(code(.compareAndSet(CompareAndSetRequest(key: [1], expected: Array(repeating: 0, count: 9), newValue: []))) == .tooLarge)
        #expect(code(.put(PutRequest(key: [1, 2, 3, 4], value: Array(repeating: 0, count: 8)))) == nil)
    }

    @Test func scansNeedASaneRangeAndLimit() {
        #expect(code(.scan(ScanRequest(startKey: [], limit: 0))) == .invalidArgument)
        #expect(code(.scan(ScanRequest(startKey: [], limit: 11))) == .invalidArgument)
        #expect(code(.scan(ScanRequest(startKey: [2], endKey: [1], limit: 1))) == .invalidArgument)
        #expect(code(.scan(ScanRequest(startKey: [], endKey: nil, limit: 10))) == nil)
        #expect(code(.get(GetRequest(key: [1], options: ReadOptions(minIndex: -1)))) == .invalidArgument)
    }

    @Test func byteOrderIsUnsignedLexicographic() {
        #expect(bytesLess([0x01], [0xFF]))
        #expect(bytesLess([0x7F], [0x80]))
        #expect(bytesLess([1, 2], [1, 2, 0]))
        #expect(!bytesLess([1, 2], [1, 2]))
        #expect(!bytesLess([2], [1, 255]))
    }

    @Test func endpointsParse() {
        #expect(Endpoint(parsing: "127.0.0.1:9090") == Endpoint(host: "127.0.0.1", port: 9090))
        #expect(Endpoint(parsing: "[::1]:80") == Endpoint(host: "::1", port: 80))
        #expect(Endpoint(parsing: "host:0") == nil)
        #expect(Endpoint(parsing: "host:70000") == nil)
        #expect(Endpoint(parsing: "nohost") == nil)
        #expect(Endpoint(host: "::1", port: 80).description == "[::1]:80")
    }
}
