extension KvCommand {
    /// FNV-1a 64 of the command's canonical encoding (its `LogCommand`
    /// encoding without a session), streamed: one pass, no allocation.
    ///
    /// The session table keeps it beside each cached result, so a request id
    /// reused for a different command (another kind, key or value) is told
    /// apart from a retry of the same one. Fixed and unseeded, like the state
    /// digest: every replica computes the same value.
    public var fingerprint: UInt64 {
        var hash = FNV1a64()
        LogCommand(command: self).encode(into: &hash)
        return hash.value
    }
}
