import Foundation
import KensaAnalyzers
import KensaSecrets

/// Plain values the CLI derives from its flags; the scan never sees the flags themselves.
public struct ScanOptions: Sendable {
    /// Which judges run over the inventory (`--scanners`).
    public var scanners: Set<ScannerKind>
    /// The secret scanner with its rules (built-in plus `--secret-config`); used when
    /// `scanners` has `.secret`.
    public var secretScanner: SecretScanner
    /// The vulnerability DB file (see `VulnDBLocation`); used when `scanners` has `.vuln`.
    public var vulnDBPath: String?
    /// True when the user asked for `vuln` by name: a missing DB is then an error, while the
    /// default scanner set only warns and goes on.
    public var vulnRequested: Bool
    /// Analyzers to run; nil picks the target's default set.
    public var analyzers: [any Analyzer]?
    /// Directories never walked in a root filesystem (relative to the root).
    public var skipDirs: [String]
    /// The report's timestamp (from `SOURCE_DATE_EPOCH` when set, for reproducible output).
    public var createdAt: Date
    /// How many layers to walk at once.
    public var parallelism: Int
    /// Called from any thread as work advances (for a progress display).
    public var progress: (@Sendable (ScanProgress) -> Void)?
    /// Directory of per-layer analysis results (`LayerCacheLocation`), or nil for none. Set it
    /// only when the image's layer digests were verified (registry pulls): entries are keyed
    /// by the layer digest the image declares.
    public var layerCacheDirectory: String?
    /// Identifies the secret configuration's content (e.g. a digest of the `--secret-config`
    /// file), part of the layer cache key; must be set when `secretScanner` has a custom
    /// configuration and the layer cache is used.
    public var secretConfigDigest: String?

    public init(scanners: Set<ScannerKind> = [], secretScanner: SecretScanner = SecretScanner(),
                vulnDBPath: String? = nil, vulnRequested: Bool = false,
                analyzers: [any Analyzer]? = nil, skipDirs: [String] = ["proc", "sys", "dev"],
                createdAt: Date = ScanOptions.defaultCreatedAt(),
                parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                progress: (@Sendable (ScanProgress) -> Void)? = nil) {
        self.scanners = scanners
        self.secretScanner = secretScanner
        self.vulnDBPath = vulnDBPath
        self.vulnRequested = vulnRequested
        self.analyzers = analyzers
        self.skipDirs = skipDirs
        self.createdAt = createdAt
        self.parallelism = max(1, parallelism)
        self.progress = progress
    }

    /// `SOURCE_DATE_EPOCH` (seconds since 1970) when set and valid, else now.
    public static func defaultCreatedAt(environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let text = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text.trimmingCharacters(in: .whitespaces)) {
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return Date()
    }
}

public enum ScanProgress: Sendable {
    case layerStarted(index: Int, count: Int)
    case layerFinished(index: Int, count: Int, bytes: Int64)
    /// The layer's analysis came from the layer cache: it was not read.
    case layerFromCache(index: Int, count: Int)
    case filesAnalyzed(Int)
}

/// The scanners of `--scanners` (Trivy's names).
public enum ScannerKind: String, Sendable, CaseIterable {
    case vuln, secret, misconfig, license
}
