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
    private(set) var warnings: [ScanWarning] = []
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
    static func wants(_ analyzers: [any Analyzer], secrets: SecretScanner?, misconfig: Bool = false) -> FileWants {
        { header in
            guard header.kind == .regular || header.kind == .hardlink else { return false }
            if let secrets, secrets.wants(path: header.path, size: header.size) { return true }
            if misconfig, Misconfig.wants(path: header.path, size: header.size) { return true }
            return analyzers.contains { $0.wants(path: header.path, size: header.size, mode: header.mode) }
        }
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
                warnings.append(ScanWarning(path: header.path, reason: "\(analyzer.name): \(error.reason)"))
            } catch {
                warnings.append(ScanWarning(path: header.path, reason: "\(analyzer.name): \(error)"))
            }
        }
        if merged != .empty {
            facts.append(FileFacts(path: header.path, output: merged))
        }
    }
}
