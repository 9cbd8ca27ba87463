#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why no free port could be found.
public struct FreePortError: Error, CustomStringConvertible {
    public var description: String
}

/// `count` distinct loopback ports that were free a moment ago (each bound
/// to port 0, read back, then released together), for test clusters that
/// must not collide with anything else on the machine.
public func freeLoopbackPorts(_ count: Int) throws(FreePortError) -> [Int] {
    var sockets: [Int32] = []
    var ports: [Int] = []
    defer { for fd in sockets { close(fd) } }
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FreePortError(description: "cannot open a socket to find a free port") }
        sockets.append(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FreePortError(description: "cannot bind a free loopback port") }
        ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
}
