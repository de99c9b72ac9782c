import Foundation
import KensaCore

/// One file kind → inventory facts. An analyzer declares which files it wants (a cheap test
/// on the path and header, called for every file of every layer), and turns the content of
/// each wanted file into facts. It never opens files itself: the walk hands it the bytes, so
/// each layer is read once whatever the number of analyzers.
///
/// Analyzers are listed explicitly in `allAnalyzers` (AnalyzerRegistry.swift).
public protocol Analyzer: Sendable {
    /// Stable short name, recorded in `Package.foundBy` (`dpkg`, `python-dist`, `npm-lock`).
    var name: String { get }
    /// Bumped when the analyzer's output for the same input changes (keys the layer cache).
    var version: Int { get }
    /// Called for every regular file. `path` is relative to the root, without a leading `/`.
    func wants(path: String, size: Int64, mode: UInt32) -> Bool
    /// Facts from one file. Throwing marks the file as unparseable: the scan lists a warning
    /// naming the file and the error, and goes on.
    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput
}

public struct AnalyzerInput: Sendable {
    /// Relative to the scanned root, no leading `/`, `..` already resolved.
    public var path: String
    public var content: Data
    public var mode: UInt32

    public init(path: String, content: Data, mode: UInt32 = 0o644) {
        self.path = path
        self.content = content
        self.mode = mode
    }

    /// The file as text; invalid UTF-8 is repaired rather than rejected (metadata files in
    /// the wild are sometimes Latin-1).
    public var text: String { String(decoding: content, as: UTF8.self) }
}

/// What one file said. `Package.location.path` is set by the analyzer to the input path;
/// the scan adds the layer.
public struct AnalyzerOutput: Sendable, Equatable, Codable {
    public var os: OperatingSystem?
    public var packages: [Package]
    /// Files that an OS package manager says it installed (absolute paths as the package
    /// database lists them, e.g. `/usr/lib/python3/dist-packages/yaml/__init__.py`).
    /// Language packages found in such files are not reported again.
    public var ownedFiles: [String]
    /// Non-fatal problems inside this file (a bad stanza in an otherwise good database).
    public var warnings: [ScanWarning]

    public init(os: OperatingSystem? = nil, packages: [Package] = [], ownedFiles: [String] = [],
                warnings: [ScanWarning] = []) {
        self.os = os
        self.packages = packages
        self.ownedFiles = ownedFiles
        self.warnings = warnings
    }

    public static let empty = AnalyzerOutput()
}
