import RotorModel
import RotorStateMachine
import Testing

@Suite("KvStateMachine")
struct KvStateMachineTests {
    @Test("commands change the key space and report results")
    func commands() {
        var driver = Driver()
        #expect(driver.machine.appliedIndex == 0 && driver.machine.keyCount == 0)
        #expect(driver.apply(.put(key: b("a"), value: b("1"))) == .applied(.put))
        #expect(driver.apply(.compareAndSet(key: b("a"), expected: b("2"), newValue: b("3")))
            == .applied(.compareAndSet(succeeded: false, current: b("1"))))
        #expect(driver.apply(.compareAndSet(key: b("b"), expected: b("2"), newValue: b("3")))
            == .applied(.compareAndSet(succeeded: false, current: nil)))
        #expect(driver.apply(.compareAndSet(key: b("a"), expected: nil, newValue: b("3")))
            == .applied(.compareAndSet(succeeded: false, current: b("1"))))
        #expect(driver.apply(.compareAndSet(key: b("a"), expected: b("1"), newValue: b("4")))
            == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(.compareAndSet(key: b("c"), expected: nil, newValue: b("5")))
            == .applied(.compareAndSet(succeeded: true, current: nil)))
        #expect(driver.apply(.delete(key: b("b"))) == .applied(.delete(existed: false)))
        #expect(driver.apply(.delete(key: b("c"))) == .applied(.delete(existed: true)))
        #expect(driver.machine.get(b("a")) == b("4"))
        #expect(driver.machine.get(b("c")) == nil)
        #expect(driver.machine.keyCount == 1)
        #expect(driver.machine.dataBytes == 2)
        #expect(driver.machine.appliedIndex == 8)
    }

    @Test("an empty expected value differs from an absent key")
    func emptyExpectedIsNotAbsent() {
        var driver = Driver()
        #expect(driver.apply(.compareAndSet(key: b("k"), expected: [], newValue: b("x")))
            == .applied(.compareAndSet(succeeded: false, current: nil)))
        driver.apply(.put(key: b("k"), value: []))
        #expect(driver.apply(.compareAndSet(key: b("k"), expected: nil, newValue: b("x")))
            == .applied(.compareAndSet(succeeded: false, current: [])))
        #expect(driver.apply(.compareAndSet(key: b("k"), expected: [], newValue: b("x")))
            == .applied(.compareAndSet(succeeded: true, current: nil)))
    }

    @Test("skip advances the applied index without changing data")
    func skip() {
        var machine = KvStateMachine()
        machine.skip(index: 1)
        _ = machine.apply(index: 2, command: .put(key: b("k"), value: b("v")), session: nil)
        machine.skip(index: 3)
        #expect(machine.appliedIndex == 3)
        #expect(machine.keyCount == 1)
    }

    @Test("applying an encoded entry equals applying the command")
    func encodedEntries() {
        var direct = KvStateMachine()
        var viaLog = KvStateMachine()
        let entries = [
            LogCommand(command: .put(key: b("k"), value: b("v")), session: ClientSession(clientID: 1, requestID: 1)),
            LogCommand(command: .put(key: b("k"), value: b("w")), session: ClientSession(clientID: 1, requestID: 1)),
            LogCommand(command: .compareAndSet(key: b("k"), expected: b("v"), newValue: b("x"))),
            LogCommand(command: .delete(key: b("k")), session: ClientSession(clientID: 2, requestID: 9)),
        ]
        for (offset, entry) in entries.enumerated() {
            let index = Int64(offset + 1)
            let expected = direct.apply(index: index, command: entry.command, session: entry.session)
            #expect(viaLog.apply(index: index, entry: entry.encoded()) == expected)
        }
        #expect(viaLog == direct)
        #expect(viaLog.digest() == direct.digest())
    }

    @Test("scan reads ranges with continuations")
    func scan() {
        var driver = Driver()
        for key in ["b", "a", "d", "c", "e"] { driver.apply(.put(key: b(key), value: b(key.uppercased()))) }
        let page = driver.machine.scan(from: b("b"), to: b("e"), limit: 2)
        #expect(page.entries == [KeyValue(key: b("b"), value: b("B")), KeyValue(key: b("c"), value: b("C"))])
        #expect(page.continuation == b("d"))
        let last = driver.machine.scan(from: b("d"), to: b("e"), limit: 2)
        #expect(last.entries.map(\.key) == [b("d")])
        #expect(last.continuation == nil)
    }
}
