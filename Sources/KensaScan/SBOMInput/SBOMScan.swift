import KensaCore

/// `kensa sbom FILE`: the SBOM's packages and OS are the inventory; the scanners judge them
/// as they judge a directory's (there are no files, so only package scanners apply).
func scanSBOM(_ path: String, options: ScanOptions) throws -> Report {
    let inventory = try SBOMReader.read(path: path)
    return Report(artifact: .init(name: path, kind: inventory.kind), os: inventory.os,
                  packages: inventory.packages, warnings: inventory.warnings, createdAt: options.createdAt)
}
