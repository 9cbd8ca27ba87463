import RotorTorture
import Testing

/// The history file format: the exact byte layout, escaping, and errors that point at the line.
@Suite struct HistoryFormatTests {
    static let exampleLines = [
        #"{"process":3,"type":"invoke","f":"write","key":"k2","value":"v3-17","time":1234567}"#,
        #"{"process":3,"type":"ok","f":"write","key":"k2","value":"v3-17","time":1239999}"#,
        #"{"process":1,"type":"invoke","f":"read","key":"k2","value":null,"time":1240000}"#,
        #"{"process":1,"type":"ok","f":"read","key":"k2","value":"v3-17","time":1240400}"#,
        #"{"process":2,"type":"invoke","f":"cas","key":"k2","value":["v3-17","v2-4"],"time":1250000}"#,
        #"{"process":2,"type":"fail","f":"cas","key":"k2","value":["v3-17","v2-4"],"time":1250300}"#,
        #"{"process":4,"type":"invoke","f":"delete","key":"k1","value":null,"time":1260000}"#,
        #"{"process":4,"type":"info","f":"delete","key":"k1","value":null,"time":1300000}"#,
        #"{"process":5,"type":"invoke","f":"cas","key":"k3","value":[null,"v5-1"],"time":1310000}"#,
        #"{"process":6,"type":"ok","f":"read-local","key":"k3","value":null,"time":1320000}"#,
        #"{"process":"nemesis","type":"info","f":"partition","key":null,"value":"isolate [0] from [1,2] one-way","time":1400000}"#,
        #"{"process":"nemesis","type":"info","f":"heal","key":null,"value":null,"time":1500000}"#,
    ]

    @Test func theDocumentedLinesRoundTripByteForByte() throws {
        for (index, line) in Self.exampleLines.enumerated() {
            let event = try HistoryEvent.parse(line: line, lineNumber: index + 1)
            #expect(event.jsonLine() == line)
        }
    }

    @Test func parsingReadsEveryField() throws {
        let cas = try HistoryEvent.parse(line: Self.exampleLines[4], lineNumber: 5)
        #expect(cas == HistoryEvent(process: .client(2), type: .invoke, function: .cas, key: "k2",
                                    value: .pair("v3-17", "v2-4"), time: 1_250_000))
        let partition = try HistoryEvent.parse(line: Self.exampleLines[10], lineNumber: 11)
        #expect(partition == .nemesis(.partition, "isolate [0] from [1,2] one-way", time: 1_400_000))
    }

    @Test func quotesBackslashesControlCharactersAndNonASCIIAreEscapedAndReadBack() throws {
        let awkward = "say \"hi\" \\ back\nslash\ttab\r\u{01}\u{1F} é 日本 🎉"
        let event = HistoryEvent(process: .client(7), type: .invoke, function: .write, key: "k\"\\",
                                 value: .string(awkward), time: 42)
        let line = event.jsonLine()
        #expect(line == #"{"process":7,"type":"invoke","f":"write","key":"k\"\\","value":"say \"hi\" \\ back\nslash\ttab\r\u0001\u001f é 日本 🎉","time":42}"#)
        #expect(!line.contains("\n"))
        #expect(try HistoryEvent.parse(line: line, lineNumber: 1) == event)
    }

    @Test func fieldOrderWhitespaceAndUnicodeEscapesAreAccepted() throws {
        let line = #" { "time" : 9 , "value" : "\u00e9\ud83c\udf89\/" , "key":"k", "f":"write", "type":"ok", "process":0, "extra":[1,true] } "#
        let event = try HistoryEvent.parse(line: line, lineNumber: 1)
        #expect(event == HistoryEvent(process: .client(0), type: .ok, function: .write, key: "k",
                                      value: .string("é🎉/"), time: 9))
    }

    @Test(arguments: [
        (#"{"process":1,"type":"ok","f":"read","key":"k","value":null,"time":"12"}"#, #"field "time" must be an integer, got a string"#),
        (#"{"process":1,"type":"ok","f":"read","key":"k","value":null,"time":1.5}"#, #"field "time" must be an integer, got the number 1.5"#),
        (#"{"process":1,"type":"ok","key":"k","value":null,"time":1}"#, #"missing field "f""#),
        (#"{"process":1,"type":"done","f":"read","key":"k","value":null,"time":1}"#, #"field "type" is "done""#),
        (#"{"process":-1,"type":"ok","f":"read","key":"k","value":null,"time":1}"#, #"field "process" must be a non-negative integer or "nemesis""#),
        (#"{"process":1,"type":"ok","f":"cas","key":"k","value":"v","time":1}"#, "a cas value must be [expected, new]"),
        (#"{"process":1,"type":"ok","f":"write","key":"k","value":["a","b","c"],"time":1}"#, "got an array of 3 elements"),
        (#"{"process":"nemesis","type":"info","f":"kill","key":"k","value":null,"time":1}"#, "nemesis events must have a null key"),
        (#"{"process":1,"type":"ok","f":"kill","key":"k","value":null,"time":1}"#, "is a nemesis function"),
        (#"{"process":1,"type":"ok","f":"read","key":"k","value":null,"time":1"#, "expected ',' or '}'"),
        (#"{"process":1,"process":2}"#, #"field "process" appears twice"#),
        (#"{"process":1,"type":"ok","f":"read","key":"a\qb","value":null,"time":1}"#, #"unknown escape '\q'"#),
        ("not json", "expected '{'"),
    ])
    func aMalformedLineIsRefusedWithItsLineNumber(line: String, expected: String) {
        let text = Self.exampleLines[0] + "\n" + Self.exampleLines[1] + "\n\n" + line + "\n"
        #expect {
            try parseHistory(text)
        } throws: { error in
            guard let error = error as? HistoryParseError else { return false }
            return error.lineNumber == 4 && error.message.contains(expected)
                && error.description.hasPrefix("history line 4: ")
        }
    }

    @Test func aWholeHistoryParsesSkippingBlankLines() throws {
        let events = try parseHistory(Self.exampleLines.joined(separator: "\n") + "\n\n")
        #expect(events.map { $0.jsonLine() } == Self.exampleLines)
    }

    @Test func processNumbersTellTheClient() {
        let numbering = ProcessNumbering(clients: 3)
        #expect(numbering.process(client: 1, incarnation: 0) == 1)
        #expect(numbering.process(client: 1, incarnation: 2) == 7)
        #expect(numbering.client(ofProcess: 7) == 1)
        #expect(numbering.client(ofProcess: 9) == 0)
    }
}
