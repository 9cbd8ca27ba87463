import RotorClient
import RotorModel
import RotorServer
import Testing

/// Scan replies are bounded by bytes (`[limits] max_scan_bytes`) as well as by
/// entries, so a scan over large values pages with continuations instead of
/// building a reply larger than any frame limit.
@Suite struct ScanPagingTests {
    static let value = Bytes(repeating: 0x61, count: 1000)

    /// Ten 1000-byte values against a 3000-byte bound: no page carries more
    /// than the bound, every page but the last has a continuation, and the
    /// pages together hold every key once, in order.
    @Test func aScanPastTheByteBoundPagesThroughEveryKey() async throws {
        try await withServer(configure: { $0.limits.maxScanBytes = 3000 }) { server in
            try await withClient(server) { client in
                let keys = (0..<10).map { Bytes(utf8: "k\($0)") }
                for key in keys { _ = try await client.put(key, Self.value) }
                var seen: [Bytes] = []
                var cursor: Bytes? = []
                var pages = 0
                while let start = cursor {
                    let page = try await client.scan(from: start, limit: 100)
                    #expect(!page.entries.isEmpty)
                    #expect(page.entries.reduce(0) { $0 + $1.wireBytes } <= 3000)
                    seen += page.entries.map(\.key)
                    cursor = page.continuation
                    pages += 1
                    try #require(pages <= 10, "the scan does not end")
                }
                #expect(seen == keys)
                #expect(pages == 5, "two 1017-byte entries fit 3000 bytes, a third does not")
            }
        }
    }

    /// One entry larger than the bound still comes back alone, with a
    /// continuation: a scan always makes progress.
    @Test func anEntryLargerThanTheBoundComesBackAlone() async throws {
        try await withServer(configure: { $0.limits.maxScanBytes = 500 }) { server in
            try await withClient(server) { client in
                _ = try await client.put(Bytes(utf8: "a"), Self.value)
                _ = try await client.put(Bytes(utf8: "b"), Self.value)
                let first = try await client.scan(from: [], limit: 10)
                #expect(first.entries.map(\.key) == [Bytes(utf8: "a")])
                #expect(first.continuation == Bytes(utf8: "b"))
                let second = try await client.scan(from: Bytes(utf8: "b"), limit: 10)
                #expect(second.entries.map(\.key) == [Bytes(utf8: "b")])
                #expect(second.continuation == nil)
            }
        }
    }

    /// A reply over the client's own frame limit is TOO_LARGE at once (asking
    /// again would bring the same reply), with what to change, not a
    /// retryable UNAVAILABLE; and the client goes on working.
    @Test func aReplyOverTheClientFrameLimitIsTooLargeAndNotRetried() async throws {
        try await withServer { server in
            let configuration = ClientConfiguration(endpoints: [server.endpoint], defaultTimeout: .seconds(5), maxFrameBytes: 16 << 10)
            let client = RotorKVClient(configuration: configuration, group: server.group)
            for index in 0..<5 { _ = try await client.put(Bytes(utf8: "big\(index)"), Bytes(repeating: 0x62, count: 8 << 10)) }
            let started = ContinuousClock.now
            let error = await #expect(throws: KVError.self) { try await client.scan(from: [], limit: 10) }
            #expect(error?.code == .tooLarge)
            #expect(error?.code.isRetryable == false)
            #expect(error?.message.contains("lower the scan limit") == true, "got: \(error?.message ?? "")")
            #expect(error?.message.contains("max frame size") == true)
            #expect(ContinuousClock.now - started < .seconds(2), "answered at once, not retried until the deadline")
            #expect(try await client.scan(from: [], limit: 1).entries.count == 1, "a smaller page still works")
            await client.shutdown()
        }
    }
}
