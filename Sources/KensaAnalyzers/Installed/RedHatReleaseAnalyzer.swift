import Foundation
import KensaCore

/// `etc/redhat-release` and its look-alikes' content: `<Name> release <version> (<codename>)`,
/// e.g. `Rocky Linux release 9.3 (Blue Onyx)`, `CentOS Linux release 7.9.2009 (Core)`.
struct RedHatReleaseAnalyzer: Analyzer {
    let name = "redhat-release"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool { path == "etc/redhat-release" }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let line = try ReleaseFile.firstLine(file)
        guard let range = line.range(of: " release ") else {
            throw KensaError(.malformed, input: file.path, reason: "no \"release\" in \"\(line.prefix(80))\"")
        }
        let product = line[..<range.lowerBound].lowercased()
        let version = line[range.upperBound...].split(separator: " ").first.map(String.init) ?? ""
        guard !version.isEmpty else {
            throw KensaError(.malformed, input: file.path, reason: "no version after \"release\"")
        }
        return AnalyzerOutput(os: OperatingSystem(family: Self.family(product), version: version,
                                                  prettyName: line, source: file.path))
    }

    static func family(_ product: String) -> String {
        if product.hasPrefix("centos") { return "centos" }
        if product.hasPrefix("rocky") { return "rocky" }
        if product.hasPrefix("almalinux") { return "almalinux" }
        if product.hasPrefix("fedora") { return "fedora" }
        if product.hasPrefix("oracle") { return "oracle" }
        if product.hasPrefix("amazon") { return "amzn" }
        return "rhel"
    }
}
