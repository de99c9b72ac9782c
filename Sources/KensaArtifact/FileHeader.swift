import Foundation
import KensaCore

/// One entry of a layer or directory, as the walk sees it (never its content).
public struct FileHeader: Sendable, Hashable {
    public enum Kind: Sendable { case regular, directory, symlink, hardlink, other }
    /// Normalised: relative, no leading "/" or "./", no "." or ".." segments, no trailing "/".
    public var path: String
    public var size: Int64
    /// Permission bits (0o7777).
    public var mode: UInt32
    public var kind: Kind
    /// Symlinks: the target as stored (may be absolute or relative, not resolved).
    /// Hard links: the normalised path of the member linked to.
    public var linkTarget: String?

    public init(path: String, size: Int64, mode: UInt32, kind: Kind, linkTarget: String? = nil) {
        self.path = path
        self.size = size
        self.mode = mode
        self.kind = kind
        self.linkTarget = linkTarget
    }
}

/// What one layer (or directory) contained, for whiteout merging and ownership, without contents.
public struct LayerWalk: Sendable, Codable {
    /// Every entry path the layer adds (files, dirs, links), after whiteout entries removed.
    public var paths: [String]
    /// Paths deleted by `.wh.NAME` entries (the target path, not the `.wh.` name).
    public var whiteouts: [String]
    /// Directories marked by `.wh..wh..opq`; "" is the root.
    public var opaqueDirs: [String]
    /// Skipped hostile or unreadable entries, each with the reason.
    public var warnings: [ScanWarning]
    /// Uncompressed bytes walked.
    public var bytesRead: Int64
    /// The subset of `paths` that are directories: LayerStack needs it to tell when a later
    /// layer replaces a directory with a file or link.
    public var directories: [String]
    /// Symlinks the layer adds: path → target as stored (not resolved, never followed).
    public var symlinks: [String: String]

    public init(paths: [String] = [], whiteouts: [String] = [], opaqueDirs: [String] = [],
                warnings: [ScanWarning] = [], bytesRead: Int64 = 0, directories: [String] = [],
                symlinks: [String: String] = [:]) {
        self.paths = paths
        self.whiteouts = whiteouts
        self.opaqueDirs = opaqueDirs
        self.warnings = warnings
        self.bytesRead = bytesRead
        self.directories = directories
        self.symlinks = symlinks
    }
}

/// Asked once per regular file or hard link: should the walk read its content?
public typealias FileWants = @Sendable (FileHeader) -> Bool
/// Called for each wanted regular file (and wanted hardlink whose target content this walk
/// read), with the whole content.
public typealias FileVisit = (FileHeader, Data) throws -> Void

/// Safety limits of a walk. Defaults are documented in docs/benchmarks/artifact.md.
public struct ReadLimits: Sendable, Hashable {
    /// A wanted file larger than this is skipped with a warning (memory is bounded by it).
    public var maxWantedFileSize: Int64
    /// A compressed layer is a bomb when it inflates past BOTH `inflateFloor` bytes and
    /// `inflateRatio` times its compressed size.
    public var inflateFloor: Int64
    public var inflateRatio: Int64
    /// Entries per layer or directory tree.
    public var maxEntries: Int
    /// Manifests, indexes and configs larger than this are refused.
    public var maxMetadataSize: Int64
    /// Directory walks stop descending below this depth (with a warning).
    public var maxDepth: Int
    /// Content of visited files kept for hard links that point back to them: at most
    /// `hardlinkCacheBytes` in total, and only files up to `hardlinkCacheFileSize` each (the
    /// small metadata files analyzers ask for), so the cache stays small next to the largest
    /// wanted file.
    public var hardlinkCacheBytes: Int64
    public var hardlinkCacheFileSize: Int64

    public init(maxWantedFileSize: Int64 = 512 << 20, inflateFloor: Int64 = 1 << 30, inflateRatio: Int64 = 100,
                maxEntries: Int = 5_000_000, maxMetadataSize: Int64 = 64 << 20, maxDepth: Int = 256,
                hardlinkCacheBytes: Int64 = 4 << 20, hardlinkCacheFileSize: Int64 = 256 << 10) {
        self.maxWantedFileSize = maxWantedFileSize
        self.inflateFloor = inflateFloor
        self.inflateRatio = inflateRatio
        self.maxEntries = maxEntries
        self.maxMetadataSize = maxMetadataSize
        self.maxDepth = maxDepth
        self.hardlinkCacheBytes = hardlinkCacheBytes
        self.hardlinkCacheFileSize = hardlinkCacheFileSize
    }

    public static let `default` = ReadLimits()
}
