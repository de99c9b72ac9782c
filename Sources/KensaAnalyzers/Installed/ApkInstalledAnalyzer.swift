import Foundation
import KensaCore

/// apk's database `lib/apk/db/installed` (Alpine, Wolfi, Chainguard): one stanza per package
/// of single-letter fields (`P:` name, `V:` version, `A:` arch, `o:` origin, `L:` license,
/// `D:` depends, `p:` provides, `F:` directory, `R:` file in the last `F:`).
/// The purl namespace is provisionally `alpine`; the scan adds the `distro` qualifier.
struct ApkInstalledAnalyzer: Analyzer {
    let name = "apk"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool { path == "lib/apk/db/installed" }

    private struct Entry {
        var name = "", version = "", arch = "", origin = "", license = ""
        var depends: [String] = []
        var provides: [String] = []
        var line = 0
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.database)
        var entries: [Entry] = []
        var owned: [String] = []
        var warnings: [ScanWarning] = []
        var current = Entry()
        var directory = ""
        var sawField = false
        func finish() {
            if sawField {
                if current.name.isEmpty || current.version.isEmpty {
                    warnings.append(ScanWarning(path: file.path, reason: "entry at line \(current.line) has no P: or V: field"))
                } else {
                    entries.append(current)
                }
            }
            current = Entry()
            directory = ""
            sawField = false
        }
        var lineNumber = 0
        for line in file.text.lines {
            lineNumber += 1
            if line.isEmpty { finish(); continue }
            let bytes = line.utf8
            guard bytes.count >= 2, bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: ":") else { continue }
            if !sawField { current.line = lineNumber; sawField = true }
            let value = String(line.dropFirst(2))
            switch line.first {
            case "P": current.name = value
            case "V": current.version = value
            case "A": current.arch = value
            case "o": current.origin = value
            case "L": current.license = value
            case "D": current.depends = value.split(separator: " ").map(String.init)
            case "p": current.provides = value.split(separator: " ").map(String.init)
            case "F": directory = value
            case "R": owned.append(directory.isEmpty ? "/" + value : "/" + directory + "/" + value)
            default: break
            }
        }
        finish()
        if entries.isEmpty && warnings.isEmpty && file.content.contains(where: { $0 > 0x20 }) {
            throw KensaError(.malformed, input: file.path, reason: "no apk package entry (P:/V: lines) found")
        }

        // Resolution: a dependency names a package, or something one provides
        // (`so:libc.musl-x86_64.so.1`, `cmd:sh`, `pc:zlib`); `!name` is a conflict.
        var providers: [String: Entry] = [:]
        for entry in entries {
            providers[entry.name] = providers[entry.name] ?? entry
            for provided in entry.provides {
                let key = Self.bareName(provided)
                providers[key] = providers[key] ?? entry
            }
        }
        let packages = entries.map { entry -> Package in
            var dependsOn = Set<String>()
            for dep in entry.depends where !dep.hasPrefix("!") {
                if let target = providers[Self.bareName(dep)], target.name != entry.name {
                    dependsOn.insert(Self.purl(target).description)
                }
            }
            return Package(name: entry.name, version: entry.version, ecosystem: .apk, purl: Self.purl(entry),
                           foundBy: name, sourceName: entry.origin.isEmpty ? entry.name : entry.origin,
                           sourceVersion: entry.version, architecture: entry.arch.isEmpty ? nil : entry.arch,
                           licenses: entry.license.isEmpty ? [] : [entry.license],
                           location: .init(path: file.path), dependsOn: dependsOn.sorted())
        }
        return AnalyzerOutput(packages: packages.sorted(), ownedFiles: owned, warnings: warnings)
    }

    private static func purl(_ entry: Entry) -> PURL {
        PURL(ecosystem: .apk, namespace: "alpine", name: entry.name, version: entry.version,
             qualifiers: ["arch": entry.arch])
    }

    /// `so:libcrypto.so.3=3.1.4-r5` → `so:libcrypto.so.3`; `busybox>=1.36` → `busybox`.
    static func bareName(_ token: String) -> String {
        let end = token.firstIndex(where: { $0 == "=" || $0 == "<" || $0 == ">" || $0 == "~" }) ?? token.endIndex
        return String(token[..<end])
    }
}
