import RotorModel

/// The client's session (Raft dissertation §6.3): registered lazily through
/// the log before the first write that needs it, shared by every task of the
/// client, and dropped when the cluster reports it expired, so that the next
/// write registers a new one.
///
/// Concurrent writers wait for one registration rather than starting many.
actor SessionKeeper {
    typealias Register = @Sendable () async -> Result<Int64, KVError>

    private var current: Int64?
    private var registering: Task<Result<Int64, KVError>, Never>?

    /// The live session's client id, registering one with `register` if there is none.
    func clientID(register: @escaping Register) async -> Result<Int64, KVError> {
        if let current { return .success(current) }
        if let registering { return await registering.value }
        let task = Task { await register() }
        registering = task
        let outcome = await task.value
        registering = nil
        if case .success(let clientID) = outcome { current = clientID }
        return outcome
    }

    /// Forgets `clientID` if it is still the live session (a write answered
    /// SESSION_EXPIRED); a session registered since is kept.
    func expire(_ clientID: Int64) {
        if current == clientID { current = nil }
    }
}
