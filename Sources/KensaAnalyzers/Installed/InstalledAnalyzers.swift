/// OS release files, OS package databases, installed language packages, binaries, archives.
let installedAnalyzers: [any Analyzer] = [
    OSReleaseAnalyzer(),
    AlpineReleaseAnalyzer(),
    DebianVersionAnalyzer(),
    RedHatReleaseAnalyzer(),
    DpkgStatusAnalyzer(),
    DpkgFileListAnalyzer(),
    ApkInstalledAnalyzer(),
    RpmDatabaseAnalyzer(),
    PythonPackageAnalyzer(),
    GoBinaryAnalyzer(),
    JavaArchiveAnalyzer(),
    RubyGemspecAnalyzer(),
    NodePackageAnalyzer(),
    ComposerInstalledAnalyzer(),
    DotnetDepsAnalyzer(),
]
