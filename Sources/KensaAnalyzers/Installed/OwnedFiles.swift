/// The files OS packages installed, for "is this language package's file owned by the OS?".
/// Package databases list paths as the package shipped them; on merged-/usr systems
/// (Debian ≥ 12, Ubuntu ≥ 21.04, Fedora, RHEL ≥ 9) `/bin`, `/sbin`, `/lib*` are symlinks into
/// `/usr`, so `/bin/bash` in a `.list` file is `/usr/bin/bash` on disk and in the walk.
/// Both spellings are recorded.
public struct OwnedFiles: Sendable {
    private var paths: Set<String> = []

    static let mergedDirectories = ["/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/"]

    public init<S: Sequence>(_ absolutePaths: S) where S.Element == String {
        for path in absolutePaths { insert(path) }
    }

    public mutating func insert(_ absolutePath: String) {
        paths.insert(absolutePath)
        for directory in Self.mergedDirectories where absolutePath.hasPrefix(directory) {
            paths.insert("/usr" + absolutePath)
        }
        if absolutePath.hasPrefix("/usr/") {
            for directory in Self.mergedDirectories where absolutePath.dropFirst(4).hasPrefix(directory) {
                paths.insert(String(absolutePath.dropFirst(4)))
            }
        }
    }

    /// `path` as analyzers see it: relative to the root, no leading `/`.
    public func contains(relativePath path: String) -> Bool {
        paths.contains("/" + path)
    }

    public var count: Int { paths.count }
}
