import Foundation
import KensaCore

/// Java archives (`.jar`, `.war`, `.ear`, `.par`, and Jenkins' `.jpi`/`.hpi`): one Maven package per
/// `META-INF/maven/<group>/<artifact>/pom.properties`; an archive without one is identified
/// from `META-INF/MANIFEST.MF` and its file name, when that yields a version. Archives inside
/// archives (Spring Boot `BOOT-INF/lib/`, `WEB-INF/lib/`, an EAR's modules) are read from
/// memory recursively; their packages' `location.path` is `outer.jar!inner/path.jar`.
///
/// Bounds: nesting depth, the size of each nested archive and of each metadata member, and
/// the bytes inflated per top-level file. Crossing one skips that member with a warning.
struct JavaArchiveAnalyzer: Analyzer {
    let name = "jar"
    let version = 1

    /// Lower-case extensions; `.jpi`/`.hpi` are Jenkins plugins, jars by another name.
    static let extensions: Set<String> = ["jar", "war", "ear", "par", "jpi", "hpi"]
    static let maxDepth = 8
    static let maxNestedArchive = 256 << 20
    static let maxMetadata = 1 << 20
    static let maxInflatedTotal = 1 << 30

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Self.isArchiveName(path)
    }

    /// Called for every file of every layer, so it looks at the last four bytes only.
    static func isArchiveName(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.count > 4 else { return false }
        let tail = bytes.suffix(4)
        guard tail.first == UInt8(ascii: ".") else { return false }
        let ext = String(decoding: tail.dropFirst().map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return extensions.contains(ext)
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.binary)
        var state = WalkState()
        try walk(file.content, location: file.path, fileName: String(PathText.base(file.path)), depth: 0, state: &state)
        let unique = Dictionary(state.packages.map { ("\($0.location.path)\u{0}\($0.name)\u{0}\($0.version)", $0) },
                                uniquingKeysWith: { first, _ in first })
        return AnalyzerOutput(packages: unique.values.sorted(), warnings: state.warnings.sorted())
    }

    private struct WalkState {
        var packages: [Package] = []
        var warnings: [ScanWarning] = []
        var inflated = 0
    }

    private func walk(_ data: Data, location: String, fileName: String, depth: Int, state: inout WalkState) throws {
        var poms: [[String: String]] = []
        var manifest: [String: String]?
        // A nested archive is walked as soon as it is inflated, so that at most one nested
        // buffer per nesting level is alive.
        try ZipMemoryReader.walk(data, input: location, choose: { name, _ in
            if name.hasPrefix("META-INF/maven/") && name.hasSuffix("/pom.properties") { return .read(limit: Self.maxMetadata) }
            if name == "META-INF/MANIFEST.MF" { return .read(limit: Self.maxMetadata) }
            if Self.isArchiveName(name) { return .read(limit: Self.maxNestedArchive) }
            return .skip
        }, receive: { name, result in
            switch result {
            case .tooLarge:
                let limit = Self.isArchiveName(name) ? Self.maxNestedArchive : Self.maxMetadata
                state.warnings.append(ScanWarning(path: location + "!" + name,
                                                  reason: "zip member inflates to more than \(limit) bytes; skipped"))
            case .failed(let reason):
                state.warnings.append(ScanWarning(path: location + "!" + name, reason: "cannot inflate zip member: \(reason)"))
            case .content(let content):
                state.inflated += content.count
                guard state.inflated <= Self.maxInflatedTotal else {
                    throw KensaError(.limitExceeded, input: location,
                                     reason: "archive inflates to more than \(Self.maxInflatedTotal) bytes of wanted members")
                }
                if name == "META-INF/MANIFEST.MF" {
                    manifest = Self.parseManifest(content)
                } else if Self.isArchiveName(name) {
                    try walkNested(content, name: name, outer: location, depth: depth, state: &state)
                } else {
                    poms.append(Self.parseProperties(content))
                }
            }
        })

        var found = 0
        for pom in poms {
            guard let group = pom["groupId"], let artifact = pom["artifactId"], let version = pom["version"],
                  !group.isEmpty, !artifact.isEmpty, !version.isEmpty else { continue }
            state.packages.append(Self.package(group: group, artifact: artifact, version: version, location: location))
            found += 1
        }
        if found == 0, let identity = Self.identity(manifest: manifest ?? [:], fileName: fileName) {
            state.packages.append(Self.package(group: identity.group, artifact: identity.artifact,
                                               version: identity.version, location: location))
        }
    }

    private func walkNested(_ data: Data, name: String, outer: String, depth: Int, state: inout WalkState) throws {
        let location = outer + "!" + name
        guard depth + 1 < Self.maxDepth else {
            state.warnings.append(ScanWarning(path: location, reason: "archive nested more than \(Self.maxDepth) levels deep; not read"))
            return
        }
        do {
            try walk(data, location: location, fileName: String(PathText.base(name)), depth: depth + 1, state: &state)
        } catch let error as KensaError {
            // A broken nested archive is a warning, the outer one is still good; but the
            // whole file's inflation budget being spent ends the file.
            if state.inflated > Self.maxInflatedTotal { throw error }
            state.warnings.append(ScanWarning(path: location, reason: error.reason))
        }
    }

    static func package(group: String?, artifact: String, version: String, location: String) -> Package {
        let name = group.map { "\($0):\(artifact)" } ?? artifact
        return Package(name: name, version: version, ecosystem: .maven,
                       purl: PURL(ecosystem: .maven, namespace: group, name: artifact, version: version),
                       foundBy: "jar", location: .init(path: location))
    }

    /// From the manifest and the file name (`commons-io-2.11.0.jar`): version from
    /// `Implementation-Version`, `Bundle-Version` or the file name; artifact from the file
    /// name, else `Implementation-Title`; group from `Implementation-Vendor-Id`, else the
    /// `Bundle-SymbolicName` when it ends with `.<artifact>`. Nil without a version.
    static func identity(manifest: [String: String], fileName: String) -> (group: String?, artifact: String, version: String)? {
        let file = splitFileName(fileName)
        guard let version = [manifest["Implementation-Version"], manifest["Bundle-Version"], file?.version]
            .compactMap({ $0 }).first(where: { !$0.isEmpty }) else { return nil }
        guard let artifact = [file?.artifact, manifest["Implementation-Title"]]
            .compactMap({ $0 }).first(where: { !$0.isEmpty && !$0.contains(" ") }) else { return nil }
        var group = manifest["Implementation-Vendor-Id"].flatMap { $0.isEmpty || $0.contains(" ") ? nil : $0 }
        if group == nil, let symbolic = manifest["Bundle-SymbolicName"]?.split(separator: ";").first,
           symbolic.hasSuffix("." + artifact) {
            group = String(symbolic.dropLast(artifact.count + 1))
        }
        return (group, artifact, version)
    }

    /// `guava-31.1-jre.jar` → (`guava`, `31.1-jre`): the version starts at the first `-`
    /// followed by a digit.
    static func splitFileName(_ fileName: String) -> (artifact: String, version: String)? {
        var stem = Substring(fileName)
        if let dot = stem.lastIndex(of: ".") { stem = stem[..<dot] }
        var index = stem.startIndex
        while let dash = stem[index...].firstIndex(of: "-") {
            let next = stem.index(after: dash)
            if next < stem.endIndex, stem[next].isNumber {
                let artifact = stem[..<dash]
                return artifact.isEmpty ? nil : (String(artifact), String(stem[next...]))
            }
            index = next
        }
        return nil
    }

    /// Java properties as Maven writes `pom.properties`: `key=value`, `#` comments.
    static func parseProperties(_ data: Data) -> [String: String] {
        var out: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("!"),
                  let sep = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            out[trimmed[..<sep].trimmingCharacters(in: .whitespaces)] =
                trimmed[trimmed.index(after: sep)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// The main section of a manifest (JAR File Specification): `Name: value`, lines wrapped
    /// at 72 bytes continue with one leading space.
    static func parseManifest(_ data: Data) -> [String: String] {
        var out: [String: String] = [:]
        var lastKey: String?
        for line in String(decoding: data, as: UTF8.self).lines {
            if line.isEmpty { break }
            if line.first == " ", let key = lastKey {
                out[key, default: ""] += line.dropFirst()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { lastKey = nil; continue }
            let key = String(line[..<colon])
            out[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        return out
    }
}
