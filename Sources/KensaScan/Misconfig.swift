import KensaArtifact
import KensaChecks
import KensaCore
import Foundation

/// The misconfiguration scanner of `fs`, `rootfs` and `image` (`--scanners misconfig`): the walk
/// keeps Kubernetes manifests and Dockerfiles (`WalkCollector`), and they are judged here by
/// the same engine as `kensa config`, all files of the scan as one set so that set-wide checks
/// (NetworkPolicy coverage) see every namespace. The ignore file is applied later, with every
/// other scanner's findings; object annotations and inline Dockerfile comments apply here.
enum Misconfig {
    /// The same per-file limit as `kensa config`; larger files are not read.
    static let maxFileBytes = ConfigScanOptions().maxFileBytes

    static func wants(path: String, size: Int64) -> Bool {
        size <= Int64(maxFileBytes) && ConfigScan.configKind(ofPath: path) != nil
    }

    /// A Dockerfile or YAML file the scanner would read but for its size: reported as a warning,
    /// as `kensa config` does. Big JSON files are left out: in a tree they are nearly always data
    /// (lock files, fixtures), not manifests, and a warning for each would be noise.
    static func isOversized(path: String, size: Int64) -> Bool {
        size > Int64(maxFileBytes) && ConfigScan.configKind(ofPath: path) != nil
            && !path.lowercased().hasSuffix(".json")
    }

    /// The file as the scanner's input, or nil when it is not one: Dockerfiles by name, YAML and
    /// JSON only when they may hold a Kubernetes object.
    static func configFile(path: String, content: Data) -> ConfigFile? {
        guard content.count <= maxFileBytes, let kind = ConfigScan.configKind(ofPath: path) else { return nil }
        if kind == .manifest, !ConfigScan.mayBeKubernetes(content) { return nil }
        return ConfigFile(path: path, content: content, kind: kind)
    }

    /// Findings and warnings for the files of a directory walk.
    static func judge(_ files: [ConfigFile]) -> (findings: [Finding], warnings: [ScanWarning]) {
        guard !files.isEmpty else { return ([], []) }
        let result = ConfigScan.scan(files: files, options: ConfigScanOptions())
        return (result.findings, result.warnings.map { ScanWarning(path: $0.path, reason: "misconfig: \($0.reason)", layer: $0.layer) })
    }

    /// Findings for an image: the files visible in the final image, each finding with the
    /// digest and history command of the layer that holds its file, plus the image-config checks
    /// (user, environment, history) on the image's config, reported under `name`.
    static func judgeImage(layerFiles: [[ConfigFile]], stack: LayerStack, metadata: ImageMetadata,
                           name: String) -> (findings: [Finding], warnings: [ScanWarning]) {
        var visible: [ConfigFile] = []
        var layerOf: [String: Int] = [:]
        for (index, files) in layerFiles.enumerated() {
            for file in files where stack.isVisible(path: file.path, addedBy: index) {
                visible.append(file)
                layerOf[file.path] = index
            }
        }
        var (findings, warnings) = judge(visible)
        for i in findings.indices {
            guard let index = layerOf[findings[i].location.path], let layer = metadata.layers[safe: index] else { continue }
            findings[i].location.layerDigest = layer.digest
            findings[i].location.createdBy = layer.createdBy
        }
        for i in warnings.indices {
            guard let index = layerOf[warnings[i].path], let layer = metadata.layers[safe: index] else { continue }
            warnings[i].layer = layer.digest
        }
        findings += ConfigScanner().scan(image: metadata, path: name)
        return (findings, warnings)
    }
}
