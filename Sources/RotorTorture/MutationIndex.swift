/// Lookups the LOCAL-read check makes for every read, so it stays linear in the history's size:
/// which mutations leave a given value on a key, and a client's latest acknowledged mutation of
/// a key before a given time.
struct MutationIndex {
    private struct ClientKey: Hashable {
        var client: Int
        var key: String
    }

    /// Per key, per value left (nil: absent): mutations that may have taken effect.
    private var producers: [String: [String?: [ClientOperation]]] = [:]
    /// Per client and key: acknowledged mutations by return time.
    private var acknowledged: [ClientKey: [ClientOperation]] = [:]

    init(_ operations: [ClientOperation], numbering: ProcessNumbering) {
        for operation in operations where operation.mayHaveEffect {
            producers[operation.key, default: [:]][operation.valueAfter, default: []].append(operation)
            if operation.isOK {
                let owner = ClientKey(client: numbering.client(ofProcess: operation.process), key: operation.key)
                acknowledged[owner, default: []].append(operation)
            }
        }
        for owner in acknowledged.keys {
            acknowledged[owner]!.sort { $0.returnedAt! < $1.returnedAt! }
        }
    }

    /// Mutations of `key` that may have taken effect and leave `value`.
    func producers(key: String, value: String?) -> [ClientOperation] {
        producers[key]?[value] ?? []
    }

    /// The acknowledged mutation of `key` by `client` that returned last, strictly before `time`.
    func latestAcknowledged(client: Int, key: String, before time: Int64) -> ClientOperation? {
        guard let list = acknowledged[ClientKey(client: client, key: key)] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].returnedAt! < time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? list[low - 1] : nil
    }
}
