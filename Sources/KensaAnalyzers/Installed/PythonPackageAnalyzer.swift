import Foundation
import KensaCore

/// Installed Python distributions: `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO`
/// (setuptools and pip installs of sdists), `*.egg-info` files (distutils) and
/// `*.egg/EGG-INFO/PKG-INFO` (eggs). Core metadata (packaging.python.org "Core metadata
/// specifications") is RFC 822 headers; the body after the first blank line is ignored.
struct PythonPackageAnalyzer: Analyzer {
    let name = "python-dist"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        if path.hasSuffix(".egg-info") { return true }
        guard path.hasSuffix("/METADATA") || path.hasSuffix("/PKG-INFO") else { return false }
        let parent = PathText.parent(path)
        if path.hasSuffix("/METADATA") { return parent.hasSuffix(".dist-info") }
        return parent.hasSuffix(".egg-info") || parent.hasSuffix(".egg/EGG-INFO")
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.metadata)
        guard let headers = ControlStanza.parse(file.text, headersOnly: true).first,
              let name = headers.first("name"), !name.isEmpty,
              let version = headers.first("version"), !version.isEmpty else {
            throw KensaError(.malformed, input: file.path, reason: "Python metadata without Name and Version headers")
        }
        let package = Package(name: name, version: version, ecosystem: .pypi,
                              purl: PURL(ecosystem: .pypi, name: name, version: version),
                              foundBy: self.name, licenses: Self.licenses(headers),
                              location: .init(path: file.path))
        return AnalyzerOutput(packages: [package])
    }

    /// PEP 639 `License-Expression` first; else a short `License` (many packages paste the
    /// whole licence text there, which is no name); else the `License ::` classifiers.
    static func licenses(_ headers: ControlStanza) -> [String] {
        if let expression = headers.first("license-expression"), !expression.isEmpty {
            return [expression]
        }
        if let license = headers.first("license"), !license.isEmpty, !license.contains("\n"),
           license.count <= 80, license.uppercased() != "UNKNOWN" {
            return [license]
        }
        let fromClassifiers = headers.all("classifier").compactMap { classifier -> String? in
            let parts = classifier.components(separatedBy: " :: ")
            guard parts.count >= 2, parts[0] == "License" else { return nil }
            // `License :: OSI Approved :: MIT License` → `MIT License`.
            let last = parts[parts.count - 1]
            return last == "OSI Approved" ? nil : last
        }
        return Array(Set(fromClassifiers)).sorted()
    }
}
