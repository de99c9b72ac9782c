/// OS release files, OS package databases, installed language packages, binaries, archives.
let installedAnalyzers: [any Analyzer] = [
]
