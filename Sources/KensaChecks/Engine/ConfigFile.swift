// The misconfiguration scanner inside `kensa fs`, `rootfs` and `image`: the walk hands over the
// files this recognises (by name, then by a cheap look at the bytes), and the whole set is
// judged at once by the same engine as `kensa config`, so set-wide checks see every object.

import Foundation
import KensaCore

/// One Kubernetes manifest or Dockerfile found by a walk, as plain data (a layer's result is
/// cached, so this must be serialisable).
public struct ConfigFile: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable { case manifest, dockerfile }

    /// Relative to the scanned root, no leading `/`.
    public var path: String
    public var content: Data
    public var kind: Kind

    public init(path: String, content: Data, kind: Kind) {
        self.path = path
        self.content = content
        self.kind = kind
    }
}

extension ConfigScan {
    /// The kind a walked file may be, from its path alone: Dockerfiles by name, manifests by
    /// extension. Hidden files and files under hidden directories are skipped, as `kensa config`
    /// skips them.
    public static func configKind(ofPath path: String) -> ConfigFile.Kind? {
        if path.hasPrefix(".") || path.contains("/.") { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if isDockerfileName(name) { return .dockerfile }
        if isManifestName(name) { return .manifest }
        return nil
    }

    /// Whether the content of a `.yaml`/`.yml`/`.json` file may hold a Kubernetes object: both
    /// `apiVersion` and `kind` appear in it. A file system holds many YAML and JSON files that
    /// are not manifests (package.json, CI configs); they are not parsed and give no warning.
    public static func mayBeKubernetes(_ content: Data) -> Bool {
        content.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return contains(bytes, Array("apiVersion".utf8)) && contains(bytes, Array("kind".utf8))
        }
    }

    /// Byte search: `memchr` for the first byte, then a compare (no allocation, no String).
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let base = haystack.baseAddress, let first = needle.first, haystack.count >= needle.count else { return false }
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, needle, needle.count) == 0 { return true }
            offset = at + 1
        }
        return false
    }

    /// Judges files found by a walk together (set-wide checks see all of them). A file that
    /// cannot be parsed is a warning; the ignore file is not applied here (the caller's
    /// suppression step applies it to every scanner's findings at once).
    public static func scan(files: [ConfigFile], options: ConfigScanOptions) -> ConfigScanResult {
        var options = options
        options.ignoreFile = nil
        let inputs = files.map { ($0.path, Source.data($0.content), $0.kind == .dockerfile ? FileKind.dockerfile : FileKind.manifest) }
        do {
            return try scanTexts(inputs, strict: false, options: options)
        } catch {
            // Not strict: every per-file error is a warning, so nothing reaches here.
            return ConfigScanResult(findings: [], warnings: [ScanWarning(path: "", reason: "misconfig: \(error.reason)")],
                                    objects: [], dockerfiles: 0)
        }
    }
}
