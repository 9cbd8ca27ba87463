/// One step of the nemesis: a fault starts or ends.
enum FaultAction {
    case crash(replica: Int, restartAfter: Int64)
    case restart(replica: Int)
    case wipe(replica: Int, restartAfter: Int64)
    /// `oneWay`: only what the group sends is lost; `inboundOnly`: only what it receives.
    case partition(id: Int, isolating: Set<Int>, oneWay: Bool, inboundOnly: Bool = false, lasting: Int64)
    case endPartition(id: Int)
    case lossy(drop: Double, duplicate: Double, reorder: Double, lasting: Int64)
    case endLossy
    case slow(replica: Int, extraLatency: Int64, lasting: Int64)
    case endSlow(replica: Int)
}
