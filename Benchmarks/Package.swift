// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks (ordo-one/package-benchmark), kept out of the main package so its build
// stays lean. Run from this directory: `swift package benchmark` (all) or
// `swift package benchmark --target VersionBenchmarks`. Add one executable target per area.
let package = Package(
    name: "KensaBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The kensa package itself, named so product references do not depend on the
        // directory the repository was cloned into.
        .package(name: "kensa", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "VersionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "KensaVersion", package: "kensa"),
            ],
            path: "Benchmarks/VersionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "CELBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), .product(name: "KensaCEL", package: "kensa")],
            path: "Benchmarks/CELBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "RuntimeBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "package-benchmark"), .product(name: "KensaRuntime", package: "kensa")],
            path: "Benchmarks/RuntimeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // A plain executable (no package-benchmark plugin): `swift run -c release VulnDBBench`,
        // see docs/benchmarks/vuln.md.
        .executableTarget(
            name: "VulnDBBench",
            dependencies: [.product(name: "KensaVulnDB", package: "kensa")],
            path: "Benchmarks/VulnDBBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
