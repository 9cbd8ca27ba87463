/// How an operation ended, in Jepsen's three-way sense. Getting this right is what separates a
/// sound checker from one that cries wolf: only `ok` constrains the register's observable history.
public enum OperationOutcome: Sendable, Hashable {
    /// Took effect exactly once, somewhere between invocation and return, and produced this output.
    case ok(OperationOutput)
    /// Certainly had no effect (for example a request rejected before it was proposed). Failed
    /// operations are removed before checking. A compare-and-set whose comparison failed is *not*
    /// `fail`; it is `ok(.compareAndSet(succeeded: false))`.
    case fail
    /// May have taken effect at any instant after its invocation (even long after the client gave
    /// up), or never: a timeout, a lost connection, a crashed client. Jepsen's `info`.
    case unknown
}
