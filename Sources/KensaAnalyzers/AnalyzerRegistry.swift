/// Every analyzer kensa runs, in one explicit list: nothing registers itself by side effect.
/// The groups live beside their analyzers: `installedAnalyzers` (Installed/: OS release
/// files, package databases, installed language packages, binaries and archives) and
/// `lockfileAnalyzers` (Lockfiles/: project lock and manifest files).
public let allAnalyzers: [any Analyzer] = installedAnalyzers + lockfileAnalyzers

/// What `kensa rootfs` and `kensa image` run: what is installed, as Trivy does for images
/// (a `requirements.txt` or `package-lock.json` left in an image says what a project asked
/// for, not what is installed; `kensa fs` reads those).
public let installedPackageAnalyzers: [any Analyzer] = installedAnalyzers

/// What `kensa fs` runs in a project tree: lock and manifest files only.
public let fsAnalyzers: [any Analyzer] = lockfileAnalyzers
