import RotorConsensus
import Testing
@testable import RotorWire

@Suite struct ClusterAuthenticatorTests {
    let authenticator = ClusterAuthenticator(secret: "correct horse battery staple")

    @Test(arguments: PeerCodecTests.calls)
    func proofVerifies(_ call: PeerCall) {
        let proof = authenticator.proof(for: call)
        #expect(proof.count == 32)
        #expect(authenticator.verify(call, proof: proof))
        #expect(ClusterAuthenticator(secret: "correct horse battery staple").verify(call, proof: proof))
    }

    @Test(arguments: PeerCodecTests.calls)
    func proofUnderAnotherSecretFails(_ call: PeerCall) {
        for secret in ["correct horse battery stapler", "", "Correct horse battery staple"] {
            #expect(!authenticator.verify(call, proof: ClusterAuthenticator(secret: secret).proof(for: call)))
        }
    }

    @Test(arguments: PeerCodecTests.calls)
    func missingOrMangledProofFails(_ call: PeerCall) {
        let proof = authenticator.proof(for: call)
        #expect(!authenticator.verify(call, proof: nil))
        #expect(!authenticator.verify(call, proof: []))
        #expect(!authenticator.verify(call, proof: Array(proof.dropLast())))
        #expect(!authenticator.verify(call, proof: proof + [0]))
        for position in [0, 17, 31] {
            var flipped = proof
            flipped[position] ^= 0x01
            #expect(!authenticator.verify(call, proof: flipped))
        }
    }

    /// Each change to a field the header covers invalidates the proof.
    @Test func tamperedCallsFail() {
        let entries = PeerCodecTests.entries(from: 11, count: 5, term: 7)
        let append = AppendEntries(term: 7, leaderID: 2, prevIndex: 10, prevTerm: 6, entries: entries, leaderCommit: 9, termStartIndex: 11)
        let proof = authenticator.proof(for: .appendEntry(append))
        #expect(authenticator.verify(.appendEntry(append), proof: proof))

        var tampered: [AppendEntries] = []
        var t = append; t.term = 8; tampered.append(t)
        t = append; t.leaderID = 1; tampered.append(t)
        t = append; t.prevIndex = 9; tampered.append(t)
        t = append; t.entries.removeLast(); tampered.append(t)
        t = append; t.entries[2].data[0] ^= 0xFF; tampered.append(t)
        t = append; t.entries[1].data.append(0); tampered.append(t)
        // Moving a byte from one entry to the next keeps the concatenation but not the boundaries.
        t = append; t.entries[2].data.append(t.entries[3].data.removeFirst()); tampered.append(t)
        for call in tampered {
            #expect(!authenticator.verify(.appendEntry(call), proof: proof))
        }

        // The proof of one method never passes for another with the same numbers.
        let svc = PeerCall.startViewChange(StartViewChange(term: 3, from: 1, proposedTerm: 4))
        let log = PeerCall.requestLog(LogRequest(term: 3, from: 1, fromIndex: 4))
        #expect(!authenticator.verify(log, proof: authenticator.proof(for: svc)))

        let notification = CommitNotification(term: 5, leaderID: 0, commitIndex: 42, round: 7)
        let notificationProof = authenticator.proof(for: .commitNotification(notification))
        var other = notification; other.round = 8
        #expect(!authenticator.verify(.commitNotification(other), proof: notificationProof))
        other = notification; other.commitIndex = 43
        #expect(!authenticator.verify(.commitNotification(other), proof: notificationProof))

        let dvc = DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 10, entriesFrom: 11,
                               entries: PeerCodecTests.entries(from: 11, count: 4, term: 7))
        let dvcProof = authenticator.proof(for: .doViewChange(dvc))
        var otherDVC = dvc; otherDVC.from = 2
        #expect(!authenticator.verify(.doViewChange(otherDVC), proof: dvcProof))
        otherDVC = dvc; otherDVC.entriesFrom = 12; otherDVC.entries.removeFirst()
        #expect(!authenticator.verify(.doViewChange(otherDVC), proof: dvcProof))
    }

    /// Each change to a field of the snapshot and recovery calls invalidates the proof, the chunk's bytes included.
    @Test func tamperedSnapshotAndRecoveryCallsFail() {
        let chunk = InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 120, snapshotTerm: 5, totalBytes: 1000, offset: 400,
                                    data: PeerCodecTests.chunk(300), leaderCommit: 130, termStartIndex: 125)
        let chunkProof = authenticator.proof(for: .installSnapshot(chunk))
        #expect(authenticator.verify(.installSnapshot(chunk), proof: chunkProof))
        var chunks: [InstallSnapshot] = []
        var c = chunk; c.term = 7; chunks.append(c)
        c = chunk; c.leaderID = 1; chunks.append(c)
        c = chunk; c.snapshotIndex = 121; chunks.append(c)
        c = chunk; c.snapshotTerm = 4; chunks.append(c)
        c = chunk; c.totalBytes = 1001; chunks.append(c)
        c = chunk; c.offset = 0; chunks.append(c)
        c = chunk; c.leaderCommit = 131; chunks.append(c)
        c = chunk; c.termStartIndex = 124; chunks.append(c)
        c = chunk; c.data[150] ^= 0x01; chunks.append(c)
        c = chunk; c.data.removeLast(); chunks.append(c)
        c = chunk; c.data.append(0); chunks.append(c)
        // Two swapped bytes keep a sum, not an HMAC of the bytes themselves.
        c = chunk; c.data.swapAt(10, 11); chunks.append(c)
        for tampered in chunks {
            #expect(!authenticator.verify(.installSnapshot(tampered), proof: chunkProof))
        }

        let ack = SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: 700, installed: false)
        let ackProof = authenticator.proof(for: .snapshotAck(ack))
        var acks: [SnapshotAck] = []
        var a = ack; a.installed = true; acks.append(a)
        a = ack; a.nextOffset = 0; acks.append(a)
        a = ack; a.snapshotIndex = 119; acks.append(a)
        a = ack; a.from = 1; acks.append(a)
        a = ack; a.term = 5; acks.append(a)
        for tampered in acks {
            #expect(!authenticator.verify(.snapshotAck(tampered), proof: ackProof))
        }

        let request = RecoveryRequest(from: 1, nonce: 0xDEAD_BEEF)
        let requestProof = authenticator.proof(for: .recover(request))
        #expect(!authenticator.verify(.recover(RecoveryRequest(from: 1, nonce: 0xDEAD_BEEE)), proof: requestProof))
        #expect(!authenticator.verify(.recover(RecoveryRequest(from: 2, nonce: 0xDEAD_BEEF)), proof: requestProof))

        let response = RecoveryResponse(term: 4, from: 2, nonce: 99, standing: .member, leaderLastIndex: 0)
        let responseProof = authenticator.proof(for: .recoveryResponse(response))
        var responses: [RecoveryResponse] = []
        var r = response; r.nonce = 98; responses.append(r)
        r = response; r.standing = .recovering; responses.append(r)
        r = response; r.standing = .fresh; responses.append(r)
        r = response; r.leaderLastIndex = nil; responses.append(r)
        r = response; r.leaderLastIndex = 1; responses.append(r)
        r = response; r.term = 5; responses.append(r)
        for tampered in responses {
            #expect(!authenticator.verify(.recoveryResponse(tampered), proof: responseProof))
        }

        // A recover proof is not a recoveryResponse proof with the same numbers.
        let asResponse = RecoveryResponse(term: 0, from: 1, nonce: 0xDEAD_BEEF, standing: .fresh, leaderLastIndex: nil)
        #expect(!authenticator.verify(.recoveryResponse(asResponse), proof: requestProof))
    }

    @Test func tamperedDoViewChangeBaseFails() {
        let dvc = DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 12, entriesFrom: 13,
                               entries: PeerCodecTests.entries(from: 13, count: 2, term: 7), baseIndex: 12, baseTerm: 6)
        let proof = authenticator.proof(for: .doViewChange(dvc))
        #expect(authenticator.verify(.doViewChange(dvc), proof: proof))
        var other = dvc; other.baseIndex = 11
        #expect(!authenticator.verify(.doViewChange(other), proof: proof))
        other = dvc; other.baseTerm = 5
        #expect(!authenticator.verify(.doViewChange(other), proof: proof))
        other = dvc; other.baseIndex = 0; other.baseTerm = 0
        #expect(!authenticator.verify(.doViewChange(other), proof: proof))
    }

    /// The header is a wire format between replicas of different builds: pin it.
    @Test func canonicalHeaderIsStable() {
        func header(_ call: PeerCall) -> String { String(decoding: ClusterAuthenticator.canonicalHeader(call), as: UTF8.self) }
        #expect(header(.commitNotification(CommitNotification(term: 7, leaderID: 2, commitIndex: 40, round: 9)))
                == "rotorkv-peer-v1|commitNotification|2|7|40|9")
        #expect(header(.startViewChange(StartViewChange(term: 3, from: 1, proposedTerm: 4))) == "rotorkv-peer-v1|startViewChange|1|3|4")
        #expect(header(.requestLog(LogRequest(term: 3, from: 0, fromIndex: 12))) == "rotorkv-peer-v1|requestLog|0|3|12")
        #expect(header(.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 10, entriesFrom: 13,
                                                  entries: PeerCodecTests.entries(from: 13, count: 2, term: 7))))
                == "rotorkv-peer-v1|doViewChange|1|9|14|13|2")
        // A log base of 0 (what senders that never compact mean) adds nothing, so their proofs still verify.
        #expect(header(.doViewChange(DoViewChange(term: 9, from: 1, lastNormalTerm: 7, lastIndex: 14, commitIndex: 12, entriesFrom: 13,
                                                  entries: PeerCodecTests.entries(from: 13, count: 2, term: 7), baseIndex: 12, baseTerm: 6)))
                == "rotorkv-peer-v1|doViewChange|1|9|14|13|2|12|6")
        #expect(header(.installSnapshot(InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 120, snapshotTerm: 5, totalBytes: 1000,
                                                        offset: 400, data: [1, 2, 3], leaderCommit: 130, termStartIndex: 125)))
                == "rotorkv-peer-v1|installSnapshot|0|6|120|5|1000|400|130|125|3|")
        #expect(header(.snapshotAck(SnapshotAck(term: 6, from: 2, snapshotIndex: 120, nextOffset: 700, installed: true)))
                == "rotorkv-peer-v1|snapshotAck|2|6|120|700|1")
        #expect(header(.recover(RecoveryRequest(from: 1, nonce: UInt64.max))) == "rotorkv-peer-v1|recover|1|0|18446744073709551615")
        #expect(header(.recoveryResponse(RecoveryResponse(term: 4, from: 2, nonce: 99, standing: .member, leaderLastIndex: 4711)))
                == "rotorkv-peer-v1|recoveryResponse|2|4|99|2|4711|none|0")
        #expect(header(.recoveryResponse(RecoveryResponse(term: 0, from: 0, nonce: 7, standing: .fresh, leaderLastIndex: nil)))
                == "rotorkv-peer-v1|recoveryResponse|0|0|7|0|none|none|0")
        // The chunk's bytes follow the installSnapshot header as they are.
        let chunk = PeerCall.installSnapshot(InstallSnapshot(term: 6, leaderID: 0, snapshotIndex: 120, snapshotTerm: 5, totalBytes: 3,
                                                             offset: 0, data: [0xFF, 0x00, 0x7C], leaderCommit: 0, termStartIndex: 0))
        #expect(ClusterAuthenticator.signedPayload(chunk) == [0xFF, 0x00, 0x7C])
        #expect(authenticator.proof(for: chunk) == HMACSHA256.digest(key: Array("correct horse battery staple".utf8),
                                                                      message: Array("rotorkv-peer-v1|installSnapshot|0|6|120|5|3|0|0|0|3|".utf8) + [0xFF, 0x00, 0x7C]))
        #expect(ClusterAuthenticator.signedPayload(.recover(RecoveryRequest(from: 1, nonce: 1))).isEmpty)
        // CRC-32 of 00 00 00 03 'a' 'b' 'c' 00 00 00 00 (two entries: "abc" and a no-op).
        let entries = [LogEntry(index: 5, term: 2, data: Array("abc".utf8), timestamp: 0), LogEntry(index: 6, term: 2, data: [], timestamp: 0)]
        let expectedCRC = crc32Reference([0, 0, 0, 3, 0x61, 0x62, 0x63, 0, 0, 0, 0])
        #expect(header(.appendEntry(AppendEntries(term: 2, leaderID: 2, prevIndex: 4, prevTerm: 2, entries: entries,
                                                  leaderCommit: 3, termStartIndex: 5)))
                == "rotorkv-peer-v1|appendEntry|2|2|4|2|\(expectedCRC)")
        #expect(crc32Reference(Array("123456789".utf8)) == 0xCBF4_3926)  // the reference itself
    }

    /// RFC 4231, test case 2.
    @Test func hmacMatchesTheRFCVector() {
        let digest = HMACSHA256.digest(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func descriptionsNeverShowTheSecrets() {
        let secret = "super-secret-value"
        #expect(!"\(ClusterAuthenticator(secret: secret))".contains(secret))
        #expect(!String(reflecting: ClusterAuthenticator(secret: secret)).contains(secret))
        #expect(!"\(ClientTokenVerifier(token: secret))".contains(secret))
        #expect(!String(reflecting: ClientTokenVerifier(token: secret)).contains(secret))
    }

    @Test func clientTokenVerifier() {
        let verifier = ClientTokenVerifier(token: "let-me-in")
        #expect(verifier.verify("let-me-in"))
        for wrong in ["", "let-me-i", "let-me-in ", "LET-ME-IN", "let-me-in\u{0}"] {
            #expect(!verifier.verify(wrong))
        }
        #expect(ClientTokenVerifier(token: "").verify(""))
    }

    @Test func constantTimeEqualsCompares() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(constantTimeEquals([], []))
    }
}

/// A bitwise CRC-32 (IEEE, reflected), independent of zlib.
func crc32Reference(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
