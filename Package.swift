// swift-tools-version: 6.0
import PackageDescription

/// Layers, from the bottom up. The compiler enforces the dependency rules:
/// - RotorModel and RotorStateMachine import neither NIO nor Thrift.
/// - Only RotorWire touches libthrift-c-glib; servers and clients speak Swift values.
let package = Package(
    name: "RotorKV",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rotorkv-server", targets: ["rotorkv-server"]),
        .executable(name: "rotorkv", targets: ["rotorkv"]),
        .library(name: "RotorClient", targets: ["RotorClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(
            name: "CThriftGLib",
            pkgConfig: "thrift_c_glib",
            providers: [.apt(["libthrift-c-glib-dev", "libglib2.0-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Generated c_glib code (scripts/regen-thrift.sh) plus the hand-written shim.
        .target(name: "RotorThriftGen", dependencies: ["CThriftGLib"]),

        // Pure Swift: values, errors, limits.
        .target(name: "RotorModel"),
        // The replicated state: an ordered key space with client sessions.
        .target(name: "RotorStateMachine", dependencies: ["RotorModel", "CZlib"]),
        // Test support shared by the simulator, the tests and `rotorkv torture`: histories and the linearizability checker.
        .target(name: "RotorTestSupport", dependencies: ["RotorModel"]),
        // The verdict of `rotorkv torture`: the history format and the checks. Pure logic, no NIO.
        .target(name: "RotorTorture", dependencies: ["RotorModel", "RotorTestSupport"]),

        // The consensus core: a sans-IO value type (events in, actions out). No NIO, no Thrift, no clocks.
        .target(name: "RotorConsensus", dependencies: [
            .product(name: "DequeModule", package: "swift-collections"),
        ]),

        // The in-memory shell: a deterministic, fault-injecting simulator of whole clusters.
        .target(name: "RotorSimulation", dependencies: [
            "RotorConsensus", "RotorStateMachine", "RotorModel", "RotorTestSupport",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ]),

        // The replica's disk: a checksummed write-ahead log and atomic metadata.
        .target(name: "RotorStorage", dependencies: [
            "RotorConsensus", "CZlib",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The Thrift wire: framing and the c_glib codec, for clients and peers.
        .target(name: "RotorWire", dependencies: [
            "RotorModel", "RotorConsensus", "RotorThriftGen", "CThriftGLib", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "RotorServer", dependencies: [
            "RotorModel", "RotorWire", "RotorStateMachine",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "RotorClient", dependencies: [
            "RotorModel", "RotorWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The production shell of the consensus core: peers over NIO/Thrift, the
        // disk, and the RoutingManager that serves clients of a replica.
        .target(name: "RotorCluster", dependencies: [
            "RotorConsensus", "RotorStateMachine", "RotorStorage", "RotorWire", "RotorServer", "RotorClient", "RotorModel",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "rotorkv-server", dependencies: [
            "RotorServer", "RotorCluster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "rotorkv", dependencies: [
            "RotorClient", "RotorModel", "RotorTorture", "RotorServer", "RotorTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),

        .testTarget(name: "RotorModelTests", dependencies: ["RotorModel"]),
        .testTarget(name: "RotorConsensusTests", dependencies: ["RotorConsensus", "RotorSimulation", "RotorTestSupport", "RotorModel"]),
        .testTarget(name: "RotorStorageTests", dependencies: ["RotorStorage", "RotorConsensus"]),
        .testTarget(name: "RotorClusterTests", dependencies: [
            "RotorCluster", "RotorServer", "RotorClient", "RotorModel", "RotorConsensus", "RotorTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "RotorStateMachineTests", dependencies: ["RotorStateMachine", "RotorModel"]),
        .testTarget(name: "RotorTestSupportTests", dependencies: ["RotorTestSupport", "RotorModel"]),
        .testTarget(name: "RotorTortureTests", dependencies: ["RotorTorture", "RotorTestSupport"]),
        .testTarget(name: "RotorWireTests", dependencies: [
            "RotorWire", "RotorModel",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "RotorServerTests", dependencies: [
            "RotorServer", "RotorClient", "RotorModel", "RotorWire", "RotorTestSupport", "RotorStateMachine",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
