import Foundation
import KensaCore

/// Go executables: the module build info embedded by the linker (`go version -m`).
///
/// Reported: every dependency module at the version it was built with (its `=>`
/// replacement when it has a versioned one; a local-directory replacement has no version
/// and is dropped); the main module always, since it is what the binary is — with the version
/// Go stamped, `(devel)` for a work-tree build (as Syft reports it; it matches no advisory,
/// but an SBOM that leaves the application out is incomplete); and the Go toolchain as
/// `stdlib` (`pkg:golang/stdlib@v1.19.8`), since the standard library is compiled into the
/// binary and has advisories of its own.
struct GoBinaryAnalyzer: Analyzer {
    let name = "gobinary"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        // Only executables: the walk reads every wanted file, and Go binaries are built
        // executable. ELF needs at least its 52-byte header.
        mode & 0o111 != 0 && size >= 52 && size <= Int64(InstalledLimits.binary)
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.binary)
        let info: GoBuildInfo? = try file.content.withUnsafeBytes { bytes in
            guard let elf = ELFFile(bytes) else { return nil }
            return try GoBuildInfo.read(elf, input: file.path)
        }
        guard let info else { return .empty }
        var packages: [Package] = []
        func add(_ path: String, _ version: String) {
            guard !path.isEmpty, !version.isEmpty else { return }
            packages.append(Package(name: path, version: version, ecosystem: .golang,
                                    purl: Self.purl(path: path, version: version), foundBy: name,
                                    location: .init(path: file.path)))
        }
        if let main = info.mainModule { add(main.path, main.version) }
        for dep in info.dependencies {
            if let replacement = dep.replacement {
                add(replacement.path, replacement.version)
            } else {
                add(dep.path, dep.version)
            }
        }
        if let stdlib = Self.stdlibVersion(info.goVersion) { add("stdlib", stdlib) }
        return AnalyzerOutput(packages: packages.sorted())
    }

    /// `go1.19.8` → `v1.19.8`; `go1.22.0 X:boringcrypto` → `v1.22.0`; `devel …` → nil.
    static func stdlibVersion(_ goVersion: String) -> String? {
        guard let first = goVersion.split(separator: " ").first, first.hasPrefix("go1") else { return nil }
        return "v" + first.dropFirst(2)
    }

    /// `github.com/x/y` → namespace `github.com/x`, name `y`.
    static func purl(path: String, version: String) -> PURL {
        guard let slash = path.lastIndex(of: "/") else {
            return PURL(ecosystem: .golang, name: path, version: version)
        }
        return PURL(ecosystem: .golang, namespace: String(path[..<slash]),
                    name: String(path[path.index(after: slash)...]), version: version)
    }
}
