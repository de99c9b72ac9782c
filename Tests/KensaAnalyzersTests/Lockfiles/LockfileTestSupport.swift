import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

/// Fixtures live in Tests/Fixtures/Lockfiles, found from this file's path so the tests run
/// from any working directory.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Lockfiles")

    /// The fixture's bytes, presented to the analyzer under `path` (a path inside a scanned tree).
    static func input(_ fixture: String, as path: String) throws -> AnalyzerInput {
        AnalyzerInput(path: path, content: try Data(contentsOf: root.appendingPathComponent(fixture)))
    }
}

/// One line per package: `name version purl [dev] -> dep, dep`, in the analyzer's order.
func golden(_ output: AnalyzerOutput) -> [String] {
    output.packages.map { package in
        var line = "\(package.name) \(package.version) \(package.purl)"
        if package.isDev { line += " dev" }
        if !package.dependsOn.isEmpty { line += " -> " + package.dependsOn.joined(separator: ", ") }
        return line
    }
}

/// Every package names the lock file, the analyzer and the expected ecosystem.
func expectProvenance(_ output: AnalyzerOutput, path: String, foundBy: String, ecosystem: Ecosystem,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    for package in output.packages {
        #expect(package.location.path == path, sourceLocation: sourceLocation)
        #expect(package.foundBy == foundBy, sourceLocation: sourceLocation)
        #expect(package.ecosystem == ecosystem, sourceLocation: sourceLocation)
    }
}

/// The analyzer refuses `content` with a KensaError naming the input.
@discardableResult
func expectRefusal(_ analyzer: some Analyzer, _ content: Data, path: String,
                   sourceLocation: SourceLocation = #_sourceLocation) -> KensaError? {
    do {
        let output = try analyzer.analyze(AnalyzerInput(path: path, content: content))
        Issue.record("expected a KensaError, got \(output.packages.count) packages", sourceLocation: sourceLocation)
        return nil
    } catch let error as KensaError {
        #expect(error.input == path, sourceLocation: sourceLocation)
        #expect(!error.reason.isEmpty && !error.reason.contains("\n"), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a KensaError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Hostile inputs shared by the format tests.
enum Hostile {
    /// `[[[[…]]]]`, `levels` deep.
    static func deepJSON(_ levels: Int) -> Data {
        Data(String(repeating: "[", count: levels).utf8) + Data(String(repeating: "]", count: levels).utf8)
    }

    /// `{"a":{"a":…}}`, `levels` deep, unterminated: both deep and truncated.
    static func deepJSONObject(_ levels: Int) -> Data {
        Data(String(repeating: "{\"a\":", count: levels).utf8)
    }

    /// A single line of `bytes` bytes with no newline.
    static func longLine(_ bytes: Int, prefix: String = "", filler: UInt8 = UInt8(ascii: "a")) -> Data {
        var data = Data(prefix.utf8)
        data.append(Data(repeating: filler, count: max(0, bytes - data.count)))
        return data
    }

    /// The billion-laughs shape: nine anchors, each nine aliases of the previous.
    static func yamlAliasBomb(under key: String) -> Data {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"]
        var previous = "a"
        for name in names {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        text += "\(key):\n  bomb: *i\n"
        return Data(text.utf8)
    }

    /// The first `fraction` of a fixture's bytes.
    static func truncated(_ data: Data, fraction: Double = 0.6) -> Data {
        data.prefix(Int(Double(data.count) * fraction))
    }
}
