import RotorModel

extension ClientRequest {
    /// A put, delete or compare-and-set whose caller chose no client id: the
    /// client gives it its session.
    var needsSession: Bool {
        switch self {
        case .put(let put): put.options.clientID == nil
        case .delete(let delete): delete.options.clientID == nil
        case .compareAndSet(let cas): cas.options.clientID == nil
        case .get, .scan, .ping, .status, .registerSession: false
        }
    }

    /// The same write carrying `options`; other requests unchanged.
    func stamped(_ options: WriteOptions) -> ClientRequest {
        switch self {
        case .put(var put): put.options = options; return .put(put)
        case .delete(var delete): delete.options = options; return .delete(delete)
        case .compareAndSet(var cas): cas.options = options; return .compareAndSet(cas)
        case .get, .scan, .ping, .status, .registerSession: return self
        }
    }
}
