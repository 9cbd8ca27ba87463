import RotorModel

/// The error code a call fails with, or nil if it succeeds: lets a test
/// assert what a client would see, for the client, server and cluster tests alike.
public func errorCode<T>(_ body: () async throws(KVError) -> T) async -> ErrorCode? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error.code
    }
}
