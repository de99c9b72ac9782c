import Foundation
import KensaAnalyzers

/// Plain values the CLI derives from its flags; the scan never sees the flags themselves.
public struct ScanOptions: Sendable {
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

    public init(analyzers: [any Analyzer]? = nil, skipDirs: [String] = ["proc", "sys", "dev"],
                createdAt: Date = ScanOptions.defaultCreatedAt(),
                parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                progress: (@Sendable (ScanProgress) -> Void)? = nil) {
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
    case filesAnalyzed(Int)
}
