import Foundation
import KensaAnalyzers
import KensaArtifact
import KensaChecks
import KensaCore
import KensaSecrets

/// What the analyzers said about one file of one walk (a layer or a directory).
struct FileFacts: Sendable, Codable {
    var path: String
    var output: AnalyzerOutput
}

/// Runs the analyzers over one walk and keeps their facts. One instance per walk, used from
/// the walk's own thread only; facts of different walks are merged afterwards.
final class WalkCollector {
    private let analyzers: [any Analyzer]
    private let secrets: SecretScanner?
    private let misconfig: Bool
    private(set) var facts: [FileFacts] = []
    /// Secret findings of this walk: every file, visible in the final image or not.
    private(set) var findings: [Finding] = []
    private var readWarnings: [ScanWarning] = []
    /// Manifests and Dockerfiles over the misconfiguration scanner's size limit, noted by the
    /// walk's filter (which must be Sendable) and reported as warnings rather than dropped.
    private let oversizedConfigs = PathList()
    var warnings: [ScanWarning] {
        readWarnings + oversizedConfigs.sorted().map {
            ScanWarning(path: $0, reason: "misconfig: larger than \(Misconfig.maxFileBytes >> 20) MiB, not read")
        }
    }
    /// Kubernetes manifests and Dockerfiles of this walk, for the misconfiguration scanner.
    private(set) var configFiles: [ConfigFile] = []
    private(set) var filesAnalyzed = 0

    init(analyzers: [any Analyzer], secrets: SecretScanner?, misconfig: Bool = false) {
        self.analyzers = analyzers
        self.secrets = secrets
        self.misconfig = misconfig
    }

    /// The walk's filter: a file is read only when some analyzer, the secret scanner or the
    /// misconfiguration scanner wants it.
    static func wants(_ analyzers: [any Analyzer], secrets: SecretScanner?, misconfig: Bool = false,
                      oversizedConfigs: PathList? = nil) -> FileWants {
        { header in
            guard header.kind == .regular || header.kind == .hardlink else { return false }
            if let secrets, secrets.wants(path: header.path, size: header.size) { return true }
            if misconfig {
                if Misconfig.wants(path: header.path, size: header.size) { return true }
                if let oversizedConfigs, Misconfig.isOversized(path: header.path, size: header.size) {
                    oversizedConfigs.append(header.path)
                }
            }
            return analyzers.contains { $0.wants(path: header.path, size: header.size, mode: header.mode) }
        }
    }

    /// This walk's filter: `wants` that also notes oversized config files for `warnings`.
    func wants() -> FileWants {
        Self.wants(analyzers, secrets: secrets, misconfig: misconfig, oversizedConfigs: oversizedConfigs)
    }

    func visit(_ header: FileHeader, _ content: Data) {
        filesAnalyzed += 1
        if let secrets, secrets.wants(path: header.path, size: Int64(content.count)) {
            findings += secrets.scan(path: header.path, content: content)
        }
        if misconfig, let file = Misconfig.configFile(path: header.path, content: content) {
            configFiles.append(file)
        }
        var merged = AnalyzerOutput()
        for analyzer in analyzers where analyzer.wants(path: header.path, size: header.size, mode: header.mode) {
            do {
                let output = try analyzer.analyze(AnalyzerInput(path: header.path, content: content, mode: header.mode))
                if merged.os == nil { merged.os = output.os }
                merged.packages += output.packages
                merged.ownedFiles += output.ownedFiles
                merged.warnings += output.warnings
            } catch let error as KensaError {
                readWarnings.append(ScanWarning(path: header.path, reason: "\(analyzer.name): \(error.reason)"))
            } catch {
                readWarnings.append(ScanWarning(path: header.path, reason: "\(analyzer.name): \(error)"))
            }
        }
        if merged != .empty {
            facts.append(FileFacts(path: header.path, output: merged))
        }
    }
}

/// Paths noted from a walk's filter, which runs on the walk's thread but must be Sendable.
final class PathList: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    func append(_ path: String) { lock.withLock { paths.append(path) } }
    func sorted() -> [String] { lock.withLock { paths.sorted() } }
}
