import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct CargoLockAnalyzerTests {
    let analyzer = CargoLockAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "ledger/Cargo.lock", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "ledger/Cargo.toml", size: 10, mode: 0o644))
    }

    @Test func version4Workspace() throws {
        let output = try analyzer.analyze(Fixtures.input("cargo/Cargo.lock", as: "ledger/Cargo.lock"))
        #expect(golden(output) == [
            "anyhow 1.0.79 pkg:cargo/anyhow@1.0.79",
            "bitflags 1.3.2 pkg:cargo/bitflags@1.3.2",
            "bitflags 2.4.2 pkg:cargo/bitflags@2.4.2",
            "libc 0.2.152 pkg:cargo/libc@0.2.152",
            "nix 0.26.4 pkg:cargo/nix@0.26.4 -> pkg:cargo/bitflags@1.3.2, pkg:cargo/libc@0.2.152",
            "serde 1.0.195 pkg:cargo/serde@1.0.195 -> pkg:cargo/serde_derive@1.0.195",
            "serde_derive 1.0.195 pkg:cargo/serde_derive@1.0.195",
            "tracing 0.1.40 pkg:cargo/tracing@0.1.40",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "ledger/Cargo.lock", foundBy: "cargo-lock", ecosystem: .cargo)
    }

    @Test func version1WithSourcesInDependencies() throws {
        let output = try analyzer.analyze(Fixtures.input("cargo/Cargo-v1.lock", as: "Cargo.lock"))
        #expect(golden(output) == [
            "rand 0.7.3 pkg:cargo/rand@0.7.3 -> pkg:cargo/rand_core@0.5.1",
            "rand_core 0.5.1 pkg:cargo/rand_core@0.5.1",
        ])
    }

    @Test func packageWithoutVersionIsAWarning() throws {
        let text = "version = 3\n\n[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "Cargo.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["b 1.0.0 pkg:cargo/b@1.0.0"])
        #expect(output.warnings.map(\.reason) == ["package #1: no name or version, skipped"])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("cargo/Cargo.lock"))
        let cut = fixture.prefix(through: try #require(fixture.firstRange(of: Data("name = \"nix\"\nversion = \"0.2".utf8))).upperBound - 1)
        expectRefusal(analyzer, Data(cut), path: "Cargo.lock")
        expectRefusal(analyzer, Data("[package]\nname = 1\n".utf8), path: "Cargo.lock")
        let deep = Data("x = ".utf8) + Data(String(repeating: "[", count: 100_000).utf8) + Data(String(repeating: "]", count: 100_000).utf8)
        expectRefusal(analyzer, deep, path: "Cargo.lock")
        let deepTables = Data("x = ".utf8) + Data(String(repeating: "{a=", count: 100_000).utf8)
        expectRefusal(analyzer, deepTables, path: "Cargo.lock")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "version = 4\n[[package]]\nname = \"a"), path: "Cargo.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "Cargo.lock")?.kind == .limitExceeded)
    }

    @Test func tenMegabyteStringIsRead() throws {
        let text = "version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+" + String(repeating: "x", count: 10 << 20) + "\"\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "Cargo.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["a 1.0.0 pkg:cargo/a@1.0.0"])
    }
}
