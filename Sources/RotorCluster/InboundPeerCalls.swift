import DequeModule
import RotorConsensus
import RotorModel
import RotorWire

/// Consensus RPCs received from peers whose Thrift reply is the core's answer.
///
/// The core answers every `appendEntries` with an `appendResponse` (at once
/// for a refusal, after the entries are durable for an acknowledgement) and
/// every `commitNotification` with a `commitAck`. This table pairs each answer
/// with the call it answers: by sender and `prevIndex`, or sender and round.
/// A call the core has not answered by its deadline gets UNAVAILABLE, so a
/// connection's in-order replies never wait behind a lost answer.
struct InboundPeerCalls {
    typealias Reply = @Sendable (Result<PeerReply, KVError>) -> Void

    private struct Pending {
        var key: Int64
        var deadline: Instant
        var reply: Reply
    }

    private var appends: [ReplicaID: Deque<Pending>] = [:]
    private var commits: [ReplicaID: Deque<Pending>] = [:]

    mutating func awaitAppendAnswer(from peer: ReplicaID, prevIndex: LogIndex, deadline: Instant, reply: @escaping Reply) {
        appends[peer, default: []].append(Pending(key: prevIndex, deadline: deadline, reply: reply))
    }

    mutating func awaitCommitAck(from peer: ReplicaID, round: UInt64, deadline: Instant, reply: @escaping Reply) {
        commits[peer, default: []].append(Pending(key: Int64(bitPattern: round), deadline: deadline, reply: reply))
    }

    /// Returns the reply of the oldest call this answer belongs to, if any is still waiting.
    mutating func take(_ answer: ConsensusMessage, to peer: ReplicaID) -> (Reply, PeerReply)? {
        switch answer {
        case .appendResponse(let response):
            guard let reply = Self.take(&appends[peer], key: response.prevIndex) else { return nil }
            return (reply, .appendEntry(response))
        case .commitAck(let ack):
            guard let reply = Self.take(&commits[peer], key: Int64(bitPattern: ack.round)) else { return nil }
            return (reply, .commitNotification(ack))
        default:
            return nil
        }
    }

    private static func take(_ queue: inout Deque<Pending>?, key: Int64) -> Reply? {
        guard let index = queue?.firstIndex(where: { $0.key == key }) else { return nil }
        return queue!.remove(at: index).reply
    }

    /// Removes and returns the replies of calls past their deadline.
    mutating func expire(now: Instant) -> [Reply] {
        var expired: [Reply] = []
        for peer in appends.keys { Self.expire(&appends[peer]!, now: now, into: &expired) }
        for peer in commits.keys { Self.expire(&commits[peer]!, now: now, into: &expired) }
        return expired
    }

    private static func expire(_ queue: inout Deque<Pending>, now: Instant, into expired: inout [Reply]) {
        queue.removeAll { pending in
            guard pending.deadline <= now else { return false }
            expired.append(pending.reply)
            return true
        }
    }

    /// Every waiting call, for shutdown.
    mutating func drain() -> [Reply] {
        let all = appends.values.flatMap { $0.map(\.reply) } + commits.values.flatMap { $0.map(\.reply) }
        appends = [:]
        commits = [:]
        return all
    }
}
