// swift-tools-version:6.0
import PackageDescription

// Targets follow ../shared/DESIGN.md ("Module layout"). Dependencies point toward KensaCore.
let package = Package(
    name: "kensa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kensa", targets: ["kensa"]),
        // Libraries only for Benchmarks/ (a separate package); kensa itself is the executable.
        .library(name: "KensaVersion", targets: ["KensaVersion"]),
        .library(name: "KensaCEL", targets: ["KensaCEL"]),
        .library(name: "KensaRuntime", targets: ["KensaRuntime"]),
        .library(name: "KensaVulnDB", targets: ["KensaVulnDB", "KensaCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),

        .target(name: "KensaCore", dependencies: ["Yams"]),
        .target(name: "KensaVersion"),
        .target(name: "KensaCEL"),
        .target(name: "KensaChecks", dependencies: ["KensaCore", "KensaCEL", "Yams"]),
        .target(name: "KensaArtifact", dependencies: ["KensaCore", "CISAL", "CArchive"]),
        .target(name: "KensaAnalyzers", dependencies: [
            "KensaCore", "KensaArtifact", "CArchive", "Yams", "TOMLKit",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "KensaReport", dependencies: ["KensaCore"]),
        .target(name: "KensaVulnDB", dependencies: [
            "KensaCore", "KensaVersion", "CArchive",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "KensaSecrets", dependencies: ["KensaCore", "Yams"]),
        .target(name: "KensaRegistry", dependencies: [
            "KensaCore", "KensaArtifact",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "KensaScan", dependencies: [
            "KensaCore", "KensaVersion", "KensaArtifact", "KensaAnalyzers", "KensaReport", "KensaVulnDB", "KensaSecrets", "KensaChecks",
        ]),
        .target(name: "KensaRuntime", dependencies: [
            "KensaCore", "Yams",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .executableTarget(name: "kensa", dependencies: [
            "KensaCore", "KensaScan", "KensaReport", "KensaVersion", "KensaRuntime", "KensaCEL", "KensaChecks", "KensaSecrets", "KensaVulnDB", "KensaRegistry",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "KensaCoreTests", dependencies: ["KensaCore"]),
        .testTarget(name: "KensaVersionTests", dependencies: ["KensaVersion"]),
        .testTarget(name: "KensaCELTests", dependencies: ["KensaCEL"]),
        .testTarget(name: "KensaChecksTests", dependencies: ["KensaChecks", "KensaCEL", "KensaCore"], exclude: ["Fixtures"]),
        .testTarget(name: "KensaArtifactTests", dependencies: ["KensaArtifact"]),
        .testTarget(name: "KensaAnalyzersTests", dependencies: ["KensaAnalyzers"]),
        .testTarget(name: "KensaReportTests", dependencies: ["KensaReport"]),
        .testTarget(name: "KensaVulnDBTests", dependencies: ["KensaVulnDB"]),
        .testTarget(name: "KensaSecretsTests", dependencies: ["KensaSecrets"]),
        .testTarget(name: "KensaScanTests", dependencies: ["KensaScan", "KensaCore", "KensaReport", "KensaArtifact"]),
        .testTarget(name: "KensaRegistryTests", dependencies: ["KensaRegistry", "KensaArtifact", "KensaCore"]),
        .testTarget(name: "KensaRuntimeTests", dependencies: [
            "KensaRuntime",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        // End-to-end tests: they run the built `kensa` binary on real fixtures.
        .testTarget(name: "KensaCLITests", dependencies: ["KensaCore"]),
    ],
    swiftLanguageModes: [.v6]
)
