/// Project lock and manifest files (what `kensa fs` reads in a source tree).
let lockfileAnalyzers: [any Analyzer] = [
    NpmLockAnalyzer(),
    YarnLockAnalyzer(),
    PnpmLockAnalyzer(),
    GoModAnalyzer(),
    CargoLockAnalyzer(),
    GemfileLockAnalyzer(),
    ComposerLockAnalyzer(),
    NuGetLockAnalyzer(),
    PoetryLockAnalyzer(),
    PipfileLockAnalyzer(),
    UvLockAnalyzer(),
    PipRequirementsAnalyzer(),
    SwiftResolvedAnalyzer(),
]
