import Foundation
import RotorClient
import RotorModel
import RotorTorture
import Synchronization

/// The clients of `rotorkv torture`: each issues random LOCAL (with
/// `min_index` from its own last write) and LINEARIZABLE gets, puts, deletes
/// and compareAndSets on a small key set, spread over the replicas, and
/// records every call in the history.
///
/// Outcomes follow Jepsen's rules: `ok` took effect, `fail` certainly did
/// not (a read's error, a refused request, a compare that did not match),
/// and `info` is unknown (a timeout or a lost connection on a write). A
/// process whose operation ended in `info` issues no more: the client goes
/// on as process `p + clients` (so `p mod clients` names the client).
final class TortureWorkload: Sendable {
    struct Settings: Sendable {
        var clients: Int
        var keys: Int
        /// Keys are `<prefix>0`, `<prefix>1`, …: they must not exist before the run.
        var keyPrefix: String
        var requestTimeout: Duration
        var seed: UInt64
    }

    /// Counts for the progress line.
    struct Counts: Sendable {
        var invoked = 0
        var ok = 0
        var fail = 0
        var info = 0
    }

    let settings: Settings
    private let endpoints: [Endpoint]
    private let history: HistoryWriter
    private let clock: TortureClock
    private let counts = Mutex(Counts())
    private let stopped = Atomic<Bool>(false)

    init(endpoints: [Endpoint], settings: Settings, history: HistoryWriter, clock: TortureClock) {
        self.endpoints = endpoints
        self.settings = settings
        self.history = history
        self.clock = clock
    }

    var currentCounts: Counts { counts.withLock { $0 } }

    func stop() { stopped.store(true, ordering: .relaxed) }

    /// Runs every client until `stop()`, then returns once each finished its call in flight.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<settings.clients {
                group.addTask { await self.runClient(client) }
            }
        }
    }

    private func runClient(_ client: Int) async {
        // One client per replica, each starting there but knowing all three: a replica that
        // turns a call away (cut off, stopping) sends it on to another at once, within the deadline.
        let connections = endpoints.indices.map { first in
            let order = Array(endpoints[first...] + endpoints[..<first])
            return RotorKVClient(configuration: ClientConfiguration(endpoints: order, defaultTimeout: settings.requestTimeout))
        }
        var state = ClientState(process: client, random: SplitMix64(seed: settings.seed &+ UInt64(client) &* 0x9E37_79B9))
        while !stopped.load(ordering: .relaxed) {
            let connection = connections[state.random.below(connections.count)]
            await step(&state, via: connection)
        }
        for connection in connections { await connection.shutdown() }
    }

    /// What one client remembers between calls.
    struct ClientState {
        var process: Int
        var random: SplitMix64
        var sequence = 0
        /// The highest index of this client's acknowledged writes: its LOCAL reads wait for it.
        var lastIndex: Int64 = 0
        /// The last value this client saw or wrote per key, for compareAndSet's expectation.
        var lastSeen: [String: String] = [:]
    }

    private func step(_ state: inout ClientState, via client: RotorKVClient) async {
        let key = "\(settings.keyPrefix)\(state.random.below(settings.keys))"
        state.sequence += 1
        let value = "v\(state.process)-\(state.sequence)"
        let roll = state.random.below(100)
        switch roll {
        case 0..<25: await read(&state, key, client, linearizable: false)
        case 25..<45: await read(&state, key, client, linearizable: true)
        case 45..<75: await write(&state, key, value, client)
        case 75..<85: await delete(&state, key, client)
        default: await compareAndSet(&state, key, expected: state.lastSeen[key], new: value, client)
        }
    }

    // MARK: Operations

    /// A LOCAL read waits for this client's last write (`min_index`); a LINEARIZABLE one goes through the leader.
    private func read(_ state: inout ClientState, _ key: String, _ client: RotorKVClient, linearizable: Bool) async {
        let invoke = record(state.process, .invoke, linearizable ? .read : .readLocal, key, .null)
        let options = linearizable ? ReadOptions(consistency: .linearizable) : ReadOptions(consistency: .local, minIndex: state.lastIndex)
        do {
            let response = try await client.get(Bytes(key.utf8), options: options)
            let seen = response.value.map { String(decoding: $0, as: UTF8.self) }
            state.lastSeen[key] = seen
            complete(invoke, .ok, value: seen.map(HistoryValue.string) ?? .null)
        } catch {
            complete(invoke, .fail, value: .null)  // a read has no effect
        }
    }

    private func write(_ state: inout ClientState, _ key: String, _ value: String, _ client: RotorKVClient) async {
        let invoke = record(state.process, .invoke, .write, key, .string(value))
        do {
            let response = try await client.put(Bytes(key.utf8), Bytes(value.utf8))
            state.lastIndex = max(state.lastIndex, response.index)
            state.lastSeen[key] = value
            complete(invoke, .ok, value: .string(value))
        } catch {
            failOrUnknown(&state, invoke, error, value: .string(value))
        }
    }

    private func delete(_ state: inout ClientState, _ key: String, _ client: RotorKVClient) async {
        let invoke = record(state.process, .invoke, .delete, key, .null)
        do {
            let response = try await client.delete(Bytes(key.utf8))
            state.lastIndex = max(state.lastIndex, response.index)
            state.lastSeen[key] = nil
            complete(invoke, .ok, value: .null)
        } catch {
            failOrUnknown(&state, invoke, error, value: .null)
        }
    }

    private func compareAndSet(_ state: inout ClientState, _ key: String, expected: String?, new: String, _ client: RotorKVClient) async {
        let pair = HistoryValue.pair(expected, new)
        let invoke = record(state.process, .invoke, .cas, key, pair)
        do {
            let response = try await client.compareAndSet(Bytes(key.utf8), expected: expected.map { Bytes($0.utf8) }, newValue: Bytes(new.utf8))
            state.lastIndex = max(state.lastIndex, response.index)
            if response.succeeded {
                state.lastSeen[key] = new
                complete(invoke, .ok, value: pair)
            } else {
                state.lastSeen[key] = response.current.map { String(decoding: $0, as: UTF8.self) }
                complete(invoke, .fail, value: pair)
            }
        } catch {
            failOrUnknown(&state, invoke, error, value: pair)
        }
    }

    /// A refused request certainly did nothing; anything else on a write is unknown.
    private func failOrUnknown(_ state: inout ClientState, _ invoke: HistoryEvent, _ error: KVError, value: HistoryValue) {
        switch error.code {
        case .invalidArgument, .tooLarge, .unauthorized:
            complete(invoke, .fail, value: value)
        default:
            complete(invoke, .info, value: value)
            state.process += settings.clients
        }
    }

    // MARK: Recording

    private func record(_ process: Int, _ type: HistoryEventType, _ f: HistoryFunction, _ key: String,
                        _ value: HistoryValue) -> HistoryEvent {
        let event = HistoryEvent(process: .client(process), type: type, function: f, key: key, value: value, time: clock.now())
        history.append(event)
        counts.withLock { $0.invoked += 1 }
        return event
    }

    private func complete(_ invoke: HistoryEvent, _ type: HistoryEventType, value: HistoryValue) {
        var event = invoke
        event.type = type
        event.value = value
        event.time = max(clock.now(), invoke.time + 1)
        history.append(event)
        counts.withLock { counts in
            switch type {
            case .ok: counts.ok += 1
            case .fail: counts.fail += 1
            default: counts.info += 1
            }
        }
    }
}

/// Monotonic nanoseconds since the run started: the history's `time`.
struct TortureClock: Sendable {
    let start = ContinuousClock.now

    func now() -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }
}
