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
