/**
 * RotorKV wire protocol: the single source of truth.
 *
 * Transport: framed (4-byte big-endian length prefix), binary protocol.
 * Keys and values are arbitrary bytes; keys order by unsigned byte comparison.
 *
 * Versioning rule: fields are only ever added as `optional`, never renumbered
 * or removed, so older clients and replicas keep working.
 */

namespace c_glib Rkv
namespace py rotorkv

/** Machine-readable error codes. Every error a client sees carries one. */
enum ErrorCode {
  /** The request is malformed: empty key, bad range, bad limit. Do not retry. */
  INVALID_ARGUMENT = 1,
  /** This replica is not the leader; `leader_hint` names the replica to try. */
  NOT_LEADER = 2,
  /** No leader or no quorum right now. Retry later, possibly elsewhere. */
  UNAVAILABLE = 3,
  /** The deadline passed before the outcome was known; the write may or may not apply. */
  TIMEOUT = 4,
  /** A key, value or frame exceeds the configured limits. Do not retry. */
  TOO_LARGE = 5,
  /** The replica sheds load; retry with backoff. */
  OVERLOADED = 6,
  /** Missing or wrong credentials. */
  UNAUTHORIZED = 7,
  /** A bug or an unexpected failure on the replica. */
  INTERNAL = 8,
  /**
   * The write's client session is unknown to the replicated session table:
   * never registered (registerSession), or expired and evicted. A retry of it
   * can no longer be recognized as a duplicate, so the write was NOT applied.
   * Register a new session; find out whether earlier writes of the old one
   * applied (read them) before sending them again.
   */
  SESSION_EXPIRED = 9,
  /**
   * The consensus call comes from a replica of another cluster (another
   * cluster_id), or from a replica that is not yet allowed to speak for this
   * cluster. Do not retry: check the replica's configuration and data directory.
   */
  WRONG_CLUSTER = 10,
}

/** The one exception every RPC declares. */
exception KvError {
  1: required ErrorCode code,
  2: required string message,
  /** With NOT_LEADER / UNAVAILABLE: the replica id believed to lead. */
  3: optional i32 leader_hint,
  /** With NOT_LEADER / UNAVAILABLE: that replica's client endpoint, "host:port". */
  4: optional string leader_endpoint,
}

/** How fresh a read must be. */
enum ReadConsistency {
  /** Served from this replica's applied state; may be stale on a follower. */
  LOCAL = 0,
  /** Served by the leader after it confirms its leadership with a majority. */
  LINEARIZABLE = 1,
}

/** Options shared by the read RPCs. */
struct ReadOptions {
  1: optional ReadConsistency consistency = ReadConsistency.LOCAL,
  /** Wait until this replica has applied at least this log index (read-your-writes). */
  2: optional i64 min_index,
}

/**
 * Identifies a write for exactly-once application: a retried or forwarded
 * duplicate of (client_id, request_id) is applied at most once.
 * client_id unset or 0: no session (a retry may apply twice); a client_id
 * must come from registerSession; negative ids are INVALID_ARGUMENT.
 */
struct WriteOptions {
  1: optional i64 client_id,
  2: optional i64 request_id,
}

struct GetRequest {
  1: required binary key,
  2: optional ReadOptions options,
}

struct GetResponse {
  1: required bool found,
  2: optional binary value,
  /** The applied log index this read was served at. */
  3: required i64 applied_index,
}

struct PutRequest {
  1: required binary key,
  2: required binary value,
  3: optional WriteOptions options,
}

struct PutResponse {
  /** The log index the write committed at. */
  1: required i64 index,
}

struct DeleteRequest {
  1: required binary key,
  2: optional WriteOptions options,
}

struct DeleteResponse {
  /** Whether the key existed before the delete. */
  1: required bool existed,
  2: required i64 index,
}

/**
 * Sets `key` to `new_value` only if its current value equals `expected`;
 * an unset `expected` means "only if the key is absent".
 */
struct CompareAndSetRequest {
  1: required binary key,
  2: optional binary expected,
  3: required binary new_value,
  4: optional WriteOptions options,
}

struct CompareAndSetResponse {
  1: required bool succeeded,
  /** The value found when the comparison failed; unset if the key was absent. */
  2: optional binary current,
  /** The log index the attempt committed at (a failed compare is also ordered). */
  3: required i64 index,
}

struct KeyValue {
  1: required binary key,
  2: required binary value,
}

/** Keys in unsigned byte order over [start_key, end_key). */
struct ScanRequest {
  1: required binary start_key,
  /** Unset: no upper bound. */
  2: optional binary end_key,
  /** At most this many entries (1 to the server's scan limit). */
  3: required i32 limit,
  4: optional ReadOptions options,
}

struct ScanResponse {
  1: required list<KeyValue> entries,
  /** Set when more keys remain: pass it as the next request's `start_key`. */
  2: optional binary continuation,
  3: required i64 applied_index,
}

enum ReplicaRole {
  STANDALONE = 0,
  LEADER = 1,
  FOLLOWER = 2,
  /** Between terms: a term change is under way and no leader serves yet. */
  ELECTING = 3,
  /** Rejoining after losing its state; does not vote until caught up. */
  RECOVERING = 4,
}

struct StatusResponse {
  1: required i32 replica_id,
  2: required ReplicaRole role,
  3: required i64 term,
  /** Unset while no leader is known. */
  4: optional i32 leader_id,
  5: required i64 last_index,
  6: required i64 commit_index,
  7: required i64 applied_index,
  8: required i32 replica_count,
  /** Every replica's client endpoint, indexed by replica id. */
  9: required list<string> endpoints,
  10: required i64 key_count,
  11: required i64 uptime_ms,
  12: required string version,
  /**
   * The state machine's digest at exactly `applied_index` (the two are read
   * together): FNV-1a 64 of its canonical encoding, the same bytes a snapshot
   * carries, so it is the same in every process and on every machine.
   * Replicas that report equal `applied_index` must report equal digests;
   * unequal digests there mean they diverged. Costs a pass over the whole
   * state. Unset by servers older than this field.
   */
  13: optional i64 state_digest,
  /**
   * The last log index covered by the latest snapshot this replica holds,
   * 0 if it holds none: what a restart recovers from before replaying the log.
   * Unset by servers older than this field.
   */
  14: optional i64 snapshot_index,
  /**
   * The first index still in this replica's log (entries before it are
   * compacted into the snapshot); the log holds log_start_index through
   * last_index, none if log_start_index = last_index + 1. A follower that
   * needs an earlier entry must be sent the snapshot instead. A standalone
   * server keeps no log: last_index + 1. Unset by servers older than this field.
   */
  15: optional i64 log_start_index,
  /**
   * Set while role is RECOVERING and the replica cannot yet decide whether its
   * empty disk is a new cluster or a lost one: what it is waiting for, in words
   * for an operator.
   */
  16: optional string recovery_reason,
  /** The cluster's identity (named by its first log entry); unset or 0 while not known. */
  17: optional i64 cluster_id,
}

// ---------------------------------------------------------------------------
// Consensus: replica to replica. The rotating-leader protocol (Viewstamped
// Replication with round-robin leaders): the leader of term t is replica
// t mod n. Every message carries the sender's term; replicas refuse older terms.

/** One slot of the replicated log. `data` is an encoded command; empty = no-op. */
struct LogEntry {
  1: required i64 index,
  2: required i64 term,
  3: required binary data,
  /** The creating leader's clock, nanoseconds; informational. */
  4: required i64 timestamp,
}

/** Leader to follower: entries that follow (prev_log_index, prev_log_term). */
struct AppendEntryRequest {
  1: required i32 leader_id,
  /** The original single-entry form; unset when `entries` carries a batch or for a probe. */
  2: optional LogEntry entry,
  3: required i64 prev_log_index,
  4: required i64 prev_log_term,
  5: required i64 leader_term,
  /** A batch of consecutive entries (replaces `entry`). */
  6: optional list<LogEntry> entries,
  7: optional i64 leader_commit,
  /** The no-op that opened the leader's term: a follower joins normal operation once it matches through it. */
  8: optional i64 term_start_index,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  9: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  10: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  11: optional i64 sequence,
}

/** Follower to leader, sent only once the entries are durable. */
struct AppendEntryResponse {
  1: required i64 term,
  2: required i32 replica_id,
  3: required bool success,
  /** With success: the follower's log equals the leader's through here, durably. */
  4: required i64 match_index,
  /** Without success: where the leader should back up to. */
  5: required i64 conflict_hint,
  /** The prev_log_index of the request answered (tells stale refusals apart). */
  6: required i64 prev_log_index,
  /** The follower is rebuilding a lost disk: its acknowledgement must not count toward a commit. */
  7: optional bool recovering,
}

/** Leader to follower: the commit index; the heartbeat while idle. */
struct CommitNotificationRequest {
  1: required i32 leader_id,
  2: required i64 commit_index,
  3: required i64 leader_term,
  /** Heartbeat round, echoed back, so acknowledgements can confirm linearizable reads. */
  4: optional i64 round,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  5: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  6: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  7: optional i64 sequence,
}

struct CommitNotificationResponse {
  1: required i64 term,
  2: required i32 replica_id,
  3: required i64 round,
  /** How far the follower's log durably matches the leader's (0 if not yet in step). */
  4: required i64 match_index,
  /** The follower is rebuilding a lost disk: it confirms no read round and counts toward no commit. */
  5: optional bool recovering,
}

/** "I lost the leader; let us move to proposed_term." Takes effect only with a majority. */
struct StartViewChangeRequest {
  1: required i64 term,
  2: required i32 replica_id,
  3: required i64 proposed_term,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  4: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  5: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  6: optional i64 sequence,
}

/** A replica that joined `term` reports its log to that term's leader. */
struct DoViewChangeRequest {
  1: required i64 term,
  2: required i32 replica_id,
  3: required i64 last_normal_term,
  4: required i64 last_index,
  5: required i64 commit_index,
  /** `entries` holds the sender's log from this index through last_index. */
  6: required i64 entries_from,
  7: required list<LogEntry> entries,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  8: optional binary auth_proof,
  /**
   * Where the sender's log starts: entries through base_index are compacted
   * into its snapshot, so a new leader can fetch only entries after it.
   * Unset (a sender that never compacts) means 0.
   */
  9: optional i64 base_index,
  /** The term of the entry at base_index. Unset means 0. */
  10: optional i64 base_term,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  11: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  12: optional i64 sequence,
}

/** A new leader asks the replica with the best log for its entries from from_index. */
struct LogRequest {
  1: required i64 term,
  2: required i32 replica_id,
  3: required i64 from_index,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  4: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  5: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  6: optional i64 sequence,
}

/**
 * Leader to follower: one chunk of the leader's snapshot, for a follower that
 * needs entries the leader has compacted away (state transfer). Chunks go one
 * at a time, each answered by a `snapshotAck`, so that a large snapshot never
 * has to fit one frame.
 */
struct InstallSnapshotRequest {
  1: required i32 leader_id,
  2: required i64 leader_term,
  /** The snapshot's last log index and that entry's term: together they name the snapshot. */
  3: required i64 snapshot_index,
  4: required i64 snapshot_term,
  /** The whole snapshot's size, so the follower knows when it holds all of it. */
  5: required i64 total_bytes,
  /** Where `data` starts in the snapshot; offset + len(data) never exceeds total_bytes. */
  6: required i64 offset,
  7: required binary data,
  8: required i64 leader_commit,
  /** As in AppendEntryRequest: the no-op that opened the leader's term. */
  9: required i64 term_start_index,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call, and of `data` itself; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  10: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  11: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  12: optional i64 sequence,
  /** A checksum of the whole snapshot (CRC-32 of its bytes): with snapshot_index and snapshot_term it names the transfer, so chunks of two leaders' snapshots never splice. */
  13: optional i64 snapshot_checksum,
}

/**
 * Follower to leader: how much of the snapshot it holds. A separate call, not
 * the reply to installSnapshot, because the last chunk is acknowledged only
 * once the installed snapshot is durable.
 */
struct SnapshotAckRequest {
  1: required i64 term,
  2: required i32 replica_id,
  3: required i64 snapshot_index,
  /** The next offset the follower wants; 0 restarts the transfer. */
  4: required i64 next_offset,
  /** The snapshot is installed and durable: the follower's log matches the leader's through snapshot_index. */
  5: required bool installed,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  6: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  7: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  8: optional i64 sequence,
  /** The snapshot_checksum of the transfer acknowledged. */
  9: optional i64 snapshot_checksum,
}

/**
 * A replica that started with an empty data directory asks its peers what they
 * know (VR's RECOVERY): it may be new, or it may have lost state it had
 * promised, and it must not vote or acknowledge until it knows which.
 */
struct RecoveryRequest {
  /** Always 0: the sender knows no term. */
  1: required i64 term,
  2: required i32 replica_id,
  /** Chosen at start-up and echoed in every answer, so answers to an earlier incarnation are not counted. */
  3: required i64 nonce,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  4: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  5: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  6: optional i64 sequence,
}

/** What the answering replica holds, as a recovering replica counts answers. */
enum RecoveryStanding {
  /** An empty disk, itself waiting for answers: a majority of these starts a new cluster. */
  FRESH = 0,
  /** Rebuilding a lost data directory: knows nothing reliable. */
  RECOVERING = 1,
  /** Holds durable state of the cluster. */
  MEMBER = 2,
  /**
   * An empty disk that the operator declared never used
   * (`initial_cluster_state = "new"`): it has promised nothing, ever.
   */
  NEW = 3,
}

/**
 * A replica's answer to `recover` (VR's RECOVERYRESPONSE). A separate call,
 * not the reply, because the recovering replica broadcasts and counts answers
 * as they come.
 */
struct RecoveryResponseRequest {
  1: required i64 term,
  2: required i32 replica_id,
  /** The nonce of the RecoveryRequest answered. */
  3: required i64 nonce,
  4: required RecoveryStanding standing,
  /** Set only by the serving leader of `term`: its last log index, which bounds everything the recovering replica could have acknowledged before it lost its disk. */
  5: optional i64 leader_last_index,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call; a replica rejects consensus RPCs without a valid proof with UNAUTHORIZED. */
  6: optional binary auth_proof,
  /** The sender's cluster id (see PeerHelloRequest); unset or 0 while it knows none. */
  7: optional i64 cluster_id,
  /** Freshness: this call's number on its connection, strictly increasing from 1 after peerHello; proven with the connection's challenge. */
  8: optional i64 sequence,
  /** Set by a replica that is itself still discovering: its own nonce, so that an asker can tell which incarnation of it answered. */
  9: optional i64 responder_nonce,
  /**
   * Set by a member that started this cluster counting the asker's current
   * incarnation (the request's nonce) as an empty disk: the asker has promised
   * nothing since, and may join as an ordinary replica without rebuilding.
   */
  10: optional bool founded_with_you,
}

/**
 * The first call on every replica-to-replica connection. The receiver answers
 * with a fresh random challenge for this connection; every later consensus call
 * on it carries a `sequence` (1, 2, 3, ...) and proves (challenge, sequence), so
 * a call captured on one connection cannot be replayed, on it or on another.
 */
struct PeerHelloRequest {
  1: required i32 replica_id,
  /** The sender's cluster id; unset or 0 while it knows none. */
  2: optional i64 cluster_id,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call. */
  3: optional binary auth_proof,
}

struct PeerHelloResponse {
  /** 16 random bytes, valid for this connection only. */
  1: required binary challenge,
  /** The receiver's replica id and cluster id, so the sender can check it reached the replica it meant. */
  2: required i32 replica_id,
  3: optional i64 cluster_id,
}

// ---------------------------------------------------------------------------
// Fault injection (test only).

/**
 * A test-only network partition, for `rotorkv torture` where it cannot use
 * network namespaces: the receiving replica drops every consensus message it
 * would send to a replica in `drop_to` (the core resends later, as over a
 * lossy network), and refuses every consensus call arriving from a replica in
 * `drop_from` with UNAVAILABLE, as if that replica were unreachable. Each call
 * REPLACES the previous rule; both lists empty heals. The rule lives in memory
 * only: a restarted replica starts healed. Client traffic and the forwarding
 * of client writes to the leader are not affected.
 *
 * Accepted only by a replica started with `[testing] allow_fault_injection =
 * true` AND with a valid `auth_proof`; otherwise UNAUTHORIZED. A standalone
 * replica answers INVALID_ARGUMENT (it has no peers). Ids must be replicas of
 * the cluster other than the receiver (INVALID_ARGUMENT otherwise).
 */
struct InjectFaultRequest {
  /** Replica ids this replica stops sending consensus messages to. */
  1: required list<i32> drop_to,
  /** Replica ids whose consensus calls (and replies) this replica refuses. */
  2: required list<i32> drop_from,
  /** HMAC-SHA256 under the cluster secret of a canonical header of this call (both lists); without a valid one, UNAUTHORIZED. */
  3: optional binary auth_proof,
}

// ---------------------------------------------------------------------------
// Client authentication.

/**
 * A new client session, registered through the log (Raft dissertation 6.3):
 * its client_id is the log index of the registration, unique for the life of
 * the cluster. Writes that carry it with increasing request ids are applied at
 * most once; once the session expires (the session table evicts the least
 * recently used session when full), its writes fail with SESSION_EXPIRED
 * instead of being applied twice.
 */
struct RegisterSessionResponse {
  1: required i64 client_id,
  /** The log index of the registration (equal to client_id). */
  2: required i64 index,
}

/**
 * A connection-level login, required before client RPCs when the replica has
 * `[security] client_token` set. Without it, or with a wrong token, client
 * RPCs fail with UNAUTHORIZED. Consensus RPCs are gated by `auth_proof` instead.
 */
struct AuthenticateRequest {
  1: required string client_token,
}

service KvStore {
  GetResponse get(1: GetRequest request) throws (1: KvError error),
  PutResponse put(1: PutRequest request) throws (1: KvError error),
  /** Named deleteKey because `delete` is a reserved word in Thrift's target languages. */
  DeleteResponse deleteKey(1: DeleteRequest request) throws (1: KvError error),
  CompareAndSetResponse compareAndSet(1: CompareAndSetRequest request) throws (1: KvError error),
  ScanResponse scan(1: ScanRequest request) throws (1: KvError error),
  void ping() throws (1: KvError error),
  StatusResponse status() throws (1: KvError error),
  /** Logs this connection in (see AuthenticateRequest); always succeeds when the replica has no client token. */
  void authenticate(1: AuthenticateRequest request) throws (1: KvError error),
  /** Registers a client session through the log (see RegisterSessionResponse). */
  RegisterSessionResponse registerSession() throws (1: KvError error),

  // Consensus RPCs (replica to replica). Clients never call these.
  /** Opens a peer connection: returns its replay challenge (see PeerHelloRequest). */
  PeerHelloResponse peerHello(1: PeerHelloRequest request) throws (1: KvError error),
  AppendEntryResponse appendEntry(1: AppendEntryRequest request) throws (1: KvError error),
  CommitNotificationResponse commitNotification(1: CommitNotificationRequest request) throws (1: KvError error),
  void startViewChange(1: StartViewChangeRequest request) throws (1: KvError error),
  void doViewChange(1: DoViewChangeRequest request) throws (1: KvError error),
  void requestLog(1: LogRequest request) throws (1: KvError error),
  /** One snapshot chunk; answered later by a snapshotAck call. */
  void installSnapshot(1: InstallSnapshotRequest request) throws (1: KvError error),
  /** The follower's progress through a snapshot transfer. */
  void snapshotAck(1: SnapshotAckRequest request) throws (1: KvError error),
  /** A replica whose disk came up empty asks what its peers know; answered later by recoveryResponse calls. */
  void recover(1: RecoveryRequest request) throws (1: KvError error),
  /** The answer to recover. */
  void recoveryResponse(1: RecoveryResponseRequest request) throws (1: KvError error),

  /** Test only (see InjectFaultRequest): partitions this replica's consensus traffic; called by the torture tool, never by replicas. */
  void injectFault(1: InjectFaultRequest request) throws (1: KvError error),
}
