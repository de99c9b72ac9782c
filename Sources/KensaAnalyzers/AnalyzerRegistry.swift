/// Every analyzer kensa runs, in one explicit list: nothing registers itself by side effect.
/// The groups live beside their analyzers: `installedAnalyzers` (Installed/: OS release
/// files, package databases, installed language packages, binaries and archives) and
/// `lockfileAnalyzers` (Lockfiles/: project lock and manifest files).
public let allAnalyzers: [any Analyzer] = installedAnalyzers + lockfileAnalyzers

/// What `kensa fs` runs in a project tree: lock and manifest files only.
public let fsAnalyzers: [any Analyzer] = lockfileAnalyzers
