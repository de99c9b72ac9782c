import Foundation
import KensaCore

/// Bundler's `Gemfile.lock`: the specs of the `GEM` (rubygems.org or another source) and
/// `GIT` sections, with each spec's dependencies (six-space lines). `PATH` gems are the
/// project's own code and are not reported. A platform-specific spec such as
/// `nokogiri (1.15.0-x86_64-linux)` is version `1.15.0` with purl qualifier
/// `platform=x86_64-linux`; when one version is locked for several platforms it is one
/// package without the qualifier. Gemfile.lock does not say which gems are for development.
struct GemfileLockAnalyzer: Analyzer {
    let name = "gemfile-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["Gemfile.lock", "gems.locked"])
    }

    private struct Spec {
        var name: String
        var version: String
        var platform: String?
        var local: Bool
        var dependencies: [String]
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try Lockfile.checkSize(file)
        try Lockfile.checkLineCount(file)
        var specs: [Spec] = []
        var section = ""
        var inSpecs = false
        for (offset, rawLine) in Lockfile.lines(file.text).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " }) { continue }
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if indent == 0 {
                section = String(body)
                inSpecs = false
                continue
            }
            guard section == "GEM" || section == "GIT" || section == "PATH" else { continue }
            switch indent {
            case 2:
                inSpecs = body == "specs:"
            case 4 where inSpecs:
                guard let (specName, specVersion) = nameAndParenthesis(body) else {
                    throw Lockfile.malformed(file, "line \(offset + 1): expected `name (version)`")
                }
                let (version, platform) = splitPlatform(specVersion)
                specs.append(Spec(name: specName, version: version, platform: platform, local: section == "PATH", dependencies: []))
            case 6 where inSpecs:
                guard !specs.isEmpty else { throw Lockfile.malformed(file, "line \(offset + 1): dependency before any spec") }
                let dependency = nameAndParenthesis(body)?.0 ?? String(body)
                guard !dependency.contains(" "), !dependency.isEmpty else {
                    throw Lockfile.malformed(file, "line \(offset + 1): expected a gem name")
                }
                specs[specs.count - 1].dependencies.append(dependency)
            default:
                if inSpecs { throw Lockfile.malformed(file, "line \(offset + 1): unexpected indentation") }
            }
        }

        // One package per locked (name, version), whatever the number of platforms.
        var platforms: [String: Set<String>] = [:]
        var byName: [String: Spec] = [:]
        for spec in specs {
            platforms[spec.name + " " + spec.version, default: []].insert(spec.platform ?? "")
            if byName[spec.name] == nil { byName[spec.name] = spec }
        }
        func purl(_ spec: Spec) -> PURL {
            let variants = platforms[spec.name + " " + spec.version] ?? []
            let platform = variants.count == 1 ? variants.first ?? "" : ""
            return PURL(ecosystem: .gem, name: spec.name, version: spec.version, qualifiers: ["platform": platform])
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for spec in specs where !spec.local {
            let dependsOn = spec.dependencies.compactMap { byName[$0] }.filter { !$0.local }.map { purl($0).description }
            collector.add(name: spec.name, version: spec.version, ecosystem: .gem, purl: purl(spec), dependsOn: dependsOn)
        }
        return AnalyzerOutput(packages: collector.packages)
    }

    /// `rack (~> 2.0, >= 2.2.4)` → (`rack`, `~> 2.0, >= 2.2.4`).
    private func nameAndParenthesis(_ text: Substring) -> (String, String)? {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return nil }
        let specName = text[..<open].trimmingCharacters(in: .whitespaces)
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard !specName.isEmpty, !specName.contains(" "), !inner.isEmpty else { return nil }
        return (specName, String(inner))
    }

    /// RubyGems platforms start with a CPU (`x86_64-linux`, `arm64-darwin`) or are a bare
    /// name (`java`, `x64-mingw-ucrt`); a version never contains one.
    private func splitPlatform(_ text: String) -> (String, String?) {
        guard let dash = text.firstIndex(of: "-") else { return (text, nil) }
        let platform = text[text.index(after: dash)...]
        let cpu = platform.prefix { $0 != "-" }
        let known = ["x86_64", "x86", "x64", "i386", "i486", "i586", "i686", "universal", "java", "jruby",
                     "mswin", "mswin32", "mswin64", "mingw", "mingw32", "dalvik", "dotnet", "powerpc", "ppc", "ppc64",
                     "ppc64le", "s390", "s390x", "sparc", "riscv64", "wasm32", "loongarch64"]
        guard known.contains(String(cpu)) || cpu.hasPrefix("arm") || cpu.hasPrefix("aarch64") else { return (text, nil) }
        return (String(text[..<dash]), String(platform))
    }
}
