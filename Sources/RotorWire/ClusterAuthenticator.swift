import CThriftGLib
import CZlib
import RotorConsensus

/// Proof of the cluster secret on consensus RPCs: HMAC-SHA256(secret, canonical
/// header of the call), carried in the request's `auth_proof`. A replica
/// configured with another secret (or none) cannot produce it, so a
/// misconfigured replica or a stray client cannot speak consensus.
///
/// The canonical header is ASCII, fields separated by `|`, integers in decimal:
///
///     rotorkv-peer-v1|<method>|<sender>|<term>|<method-specific fields>
///
/// - appendEntry: prev_log_index, entry count, CRC-32 of the entries' data
/// - commitNotification: commit_index, round
/// - startViewChange: proposed_term
/// - doViewChange: last_index, entries_from, entry count, then base_index and
///   base_term only when either is not 0 (so a sender that never compacts, or
///   one built before they existed, proves the same header as before)
/// - requestLog: from_index
/// - installSnapshot: snapshot_index, snapshot_term, total_bytes, offset,
///   leader_commit, term_start_index, the chunk's length, then `|` and the
///   chunk's bytes themselves
/// - snapshotAck: snapshot_index, next_offset, installed (1 or 0)
/// - recover: nonce (unsigned)
/// - recoveryResponse: nonce (unsigned), standing (0 fresh, 1 recovering,
///   2 member, 3 new), leader_last_index or `none`, responder_nonce or
///   `none`, founded_with_you (1 or 0)
///
/// The test-only `injectFault` has no sender and no term (the torture tool
/// sends it, not a replica), so it proves a header of its own, which no
/// consensus call's header can equal:
///
///     rotorkv-fault-v1|injectFault|<drop_to>|<drop_from>
///
/// each list its ids sorted, without repeats, separated by `,` (empty for an
/// empty list).
///
/// The CRC-32 (zlib's) runs over every entry in order: its data's length as
/// 4 bytes big-endian, then the data, so entry boundaries count too.
///
/// A snapshot chunk's bytes go into the HMAC whole rather than as a CRC: an
/// installed snapshot replaces the follower's entire state, so a forger must
/// not be able to swap a chunk for one with the same CRC. It costs one
/// SHA-256 pass per chunk on each side, and chunks travel one at a time.
///
/// The proof binds only these fields and carries no freshness: it tells
/// replicas of one cluster from everything else; it does not stop a replay
/// or a tampering of the fields it leaves out by someone on the network path.
/// (The recovery nonce makes answers specific to one recovery, not secret.)
///
/// Never logs or prints the secret.
public struct ClusterAuthenticator: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let key: [UInt8]

    public init(secret: String) {
        key = Array(secret.utf8)
    }

    /// The proof to send with `call`: 32 bytes.
    public func proof(for call: PeerCall) -> [UInt8] {
        HMACSHA256.digest(key: key, message: Self.canonicalHeader(call), Self.signedPayload(call))
    }

    /// Whether `proof` is the proof of `call` under this secret. Constant-time
    /// in the proof's contents; a missing proof never verifies.
    public func verify(_ call: PeerCall, proof: [UInt8]?) -> Bool {
        guard let proof else { return false }
        return constantTimeEquals(self.proof(for: call), proof)
    }

    /// The proof to send with `injectFault`: 32 bytes.
    public func proof(for rule: FaultRule) -> [UInt8] {
        HMACSHA256.digest(key: key, message: Self.canonicalHeader(rule))
    }

    /// Whether `proof` is the proof of `rule` under this secret; as `verify(_:proof:)` for consensus calls.
    public func verify(_ rule: FaultRule, proof: [UInt8]?) -> Bool {
        guard let proof else { return false }
        return constantTimeEquals(self.proof(for: rule), proof)
    }

    public var description: String { "ClusterAuthenticator(secret: <redacted>)" }
    public var debugDescription: String { description }

    /// The bytes the proof is computed over (see the type's documentation).
    static func canonicalHeader(_ call: PeerCall) -> [UInt8] {
        var header = "rotorkv-peer-v1|\(call.method.rawValue)|\(call.sender)|\(call.term)|"
        switch call {
        case .appendEntry(let m):
            header += "\(m.prevIndex)|\(m.entries.count)|\(entriesCRC(m.entries))"
        case .commitNotification(let m):
            header += "\(m.commitIndex)|\(m.round)"
        case .startViewChange(let m):
            header += "\(m.proposedTerm)"
        case .doViewChange(let m):
            header += "\(m.lastIndex)|\(m.entriesFrom)|\(m.entries.count)"
        case .requestLog(let m):
            header += "\(m.fromIndex)"
        case .installSnapshot(let m):
            header += "\(m.snapshotIndex)|\(m.snapshotTerm)|\(m.totalBytes)|\(m.offset)|\(m.leaderCommit)|\(m.termStartIndex)|\(m.data.count)|"
        case .snapshotAck(let m):
            header += "\(m.snapshotIndex)|\(m.nextOffset)|\(m.installed ? 1 : 0)"
        case .recover(let m):
            header += "\(m.nonce)"
        case .recoveryResponse(let m):
            header += "\(m.nonce)|\(m.standing.rawValue)|\(m.leaderLastIndex.map { "\($0)" } ?? "none")"
                + "|\(m.responderNonce.map { "\($0)" } ?? "none")|\(m.foundedWithAsker ? 1 : 0)"
        }
        if case .doViewChange(let m) = call, m.baseIndex != 0 || m.baseTerm != 0 {
            header += "|\(m.baseIndex)|\(m.baseTerm)"
        }
        return Array(header.utf8)
    }

    /// The bytes an `injectFault` proof is computed over (see the type's documentation).
    static func canonicalHeader(_ rule: FaultRule) -> [UInt8] {
        func list(_ ids: Set<ReplicaID>) -> String { ids.sorted().map(String.init).joined(separator: ",") }
        return Array("rotorkv-fault-v1|injectFault|\(list(rule.dropTo))|\(list(rule.dropFrom))".utf8)
    }

    /// Bytes proven after the header, as they are: a snapshot chunk's data (empty for every other call).
    static func signedPayload(_ call: PeerCall) -> [UInt8] {
        if case .installSnapshot(let m) = call { return m.data }
        return []
    }

    /// zlib's CRC-32 over each entry's length (4 bytes, big-endian) and data.
    static func entriesCRC(_ entries: [LogEntry]) -> UInt32 {
        var crc = crc32(0, nil, 0)
        entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                entries[i].data.withUnsafeBufferPointer { data in
                    var length = UInt32(truncatingIfNeeded: data.count).bigEndian
                    crc = withUnsafeBytes(of: &length) { crc32(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), 4) }
                    // Frames are capped far below 4 GiB, so one entry fits zlib's uInt length.
                    crc = crc32(crc, data.baseAddress, uInt(truncatingIfNeeded: data.count))
                }
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

/// Checks the client token of `authenticate` without timing leaks: both sides
/// are reduced to an HMAC first, so the comparison takes the same time whatever
/// the candidate's length or contents. Never logs or prints the token.
public struct ClientTokenVerifier: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private static let domain = Array("rotorkv-client-token-v1".utf8)
    private let expected: [UInt8]

    public init(token: String) {
        expected = HMACSHA256.digest(key: Self.domain, message: Array(token.utf8))
    }

    public func verify(_ candidate: String) -> Bool {
        constantTimeEquals(expected, HMACSHA256.digest(key: Self.domain, message: Array(candidate.utf8)))
    }

    public var description: String { "ClientTokenVerifier(token: <redacted>)" }
    public var debugDescription: String { description }
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// HMAC-SHA256 with GLib's GHmac (glib is linked already).
enum HMACSHA256 {
    static let digestLength = 32

    /// The HMAC of the concatenation of `message`'s parts, without concatenating them.
    static func digest(key: [UInt8], message: [UInt8]...) -> [UInt8] {
        // GHmac copies the key; a fresh one per call keeps this free of shared mutable C state.
        let hmac: OpaquePointer? = key.withUnsafeBufferPointer { key in
            withUnsafePointer(to: UInt8(0)) { empty in
                g_hmac_new(G_CHECKSUM_SHA256, key.baseAddress ?? empty, gsize(key.count))
            }
        }
        guard let hmac else { preconditionFailure("g_hmac_new(G_CHECKSUM_SHA256) failed") }
        defer { g_hmac_unref(hmac) }
        for part in message {
            part.withUnsafeBufferPointer { part in
                if let base = part.baseAddress, part.count > 0 { g_hmac_update(hmac, base, gssize(part.count)) }
            }
        }
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length = gsize(digestLength)
        digest.withUnsafeMutableBufferPointer { g_hmac_get_digest(hmac, $0.baseAddress, &length) }
        precondition(Int(length) == digestLength, "HMAC-SHA256 produced \(length) bytes")
        return digest
    }
}
