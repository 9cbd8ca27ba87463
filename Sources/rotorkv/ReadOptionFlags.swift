import ArgumentParser
import RotorModel

extension ReadConsistency: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "local": self = .local
        case "linearizable": self = .linearizable
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["local", "linearizable"] }
}

/// How fresh a read must be.
struct ReadOptionFlags: ParsableArguments {
    @Option(help: "local: this replica's applied state (may be stale on a follower); linearizable: confirmed by the leader.")
    var consistency: ReadConsistency = .local

    @Option(name: .customLong("min-index"), help: ArgumentHelp(
        "Wait until the replica has applied at least this index (use the index a write printed).", valueName: "index"))
    var minIndex: Int64?

    var readOptions: ReadOptions { ReadOptions(consistency: consistency, minIndex: minIndex) }
}
