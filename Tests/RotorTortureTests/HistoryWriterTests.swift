#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RotorTorture
import Testing

/// The writer: concurrent appends become whole lines, the file reads back as the same events,
/// and file errors are reported.
@Suite struct HistoryWriterTests {
    private func temporaryPath() -> String {
        "/tmp/rotortorture-test-\(UInt64.random(in: 0...UInt64.max)).jsonl"
    }

    @available(macOS 15.0, *)
    @Test func concurrentAppendsAreWholeLinesAndReadBack() async throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let writer = try HistoryWriter(path: path)
        await withTaskGroup(of: Void.self) { group in
            for process in 0..<8 {
                group.addTask {
                    for step in 0..<200 {
                        let time = Int64(step * 10)
                        writer.append(HistoryEvent(process: .client(process), type: .invoke, function: .write,
                                                   key: "k\(step % 3)", value: .string("v\(process)-\(step) \"é\"\n"), time: time))
                        writer.append(HistoryEvent(process: .client(process), type: .ok, function: .write,
                                                   key: "k\(step % 3)", value: .string("v\(process)-\(step) \"é\"\n"), time: time + 5))
                    }
                }
            }
        }
        writer.append(.nemesis(.kill, "replica 1", time: 99_999))
        try writer.close()
        try writer.close()

        let inMemory = writer.events
        #expect(inMemory.count == 8 * 200 * 2 + 1)
        let fromFile = try readHistory(path: path)
        #expect(fromFile == inMemory)
        // Each process's events stay in order, so they pair up.
        let report = TortureVerdict.check(events: fromFile, clients: 8, finalDigests: nil)
        #expect(report.wellFormedness.status == .passed)
        #expect(report.counts.total.ok == 1_600)
    }

    @available(macOS 15.0, *)
    @Test func flushedLinesAreOnDiskBeforeClose() throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let writer = try HistoryWriter(path: path)
        let event = HistoryEvent.nemesis(.pause, "replica 2", time: 5)
        writer.append(event)
        try writer.flush()
        #expect(try readHistory(path: path) == [event])
        try writer.close()
    }

    @available(macOS 15.0, *)
    @Test func anUnwritablePathIsReported() {
        #expect(throws: HistoryFileError.self) {
            _ = try HistoryWriter(path: "/nonexistent-directory/history.jsonl")
        }
    }

    @Test func aMissingFileAndABadLineAreReportedWithThePathAndLineNumber() throws {
        #expect(throws: HistoryFileError.self) { _ = try readHistory(path: "/nonexistent-directory/history.jsonl") }

        let path = temporaryPath()
        defer { unlink(path) }
        let file = try #require(fopen(path, "w"))
        var bytes = Array((HistoryFormatTests.exampleLines[0] + "\n").utf8)
        bytes += Array(#"{"process":1,"type":"ok","f":"write","key":"k","value":"bad "#.utf8) + [0xFF] + Array(#"","time":3}"#.utf8)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        do {
            _ = try readHistory(path: path)
            Issue.record("a line with invalid UTF-8 was accepted")
        } catch {
            guard case .malformed(let reportedPath, let parseError) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reportedPath == path)
            #expect(parseError.lineNumber == 2)
            #expect(parseError.message.contains("UTF-8"))
        }
    }
}
