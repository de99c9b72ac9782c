import Foundation
@testable import KensaAnalyzers
import KensaCore

/// Fixture files under Tests/Fixtures/Installed, found relative to this source file.
enum InstalledFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Installed")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func input(_ name: String, at path: String, mode: UInt32 = 0o644) throws -> AnalyzerInput {
        AnalyzerInput(path: path, content: try data(name), mode: mode)
    }
}

extension Analyzer {
    /// Runs the analyzer on text the way the walk would, after checking it wants the path.
    func run(_ path: String, _ text: String, mode: UInt32 = 0o644) throws -> AnalyzerOutput {
        try run(AnalyzerInput(path: path, content: Data(text.utf8), mode: mode))
    }

    func run(_ input: AnalyzerInput) throws -> AnalyzerOutput {
        guard wants(path: input.path, size: Int64(input.content.count), mode: input.mode) else {
            throw KensaError(.usage, input: input.path, reason: "test: analyzer \(name) does not want this path")
        }
        return try analyze(input)
    }
}

/// Deterministic pseudo-random bytes for garbage-input tests.
func garbage(_ count: Int, seed: UInt64 = 42) -> Data {
    var state = seed
    var out = Data(capacity: count)
    for _ in 0..<count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        out.append(UInt8(truncatingIfNeeded: state >> 33))
    }
    return out
}

/// The error kind thrown by `body`, or nil when it did not throw a KensaError.
func kensaErrorKind(_ body: () throws -> Void) -> KensaError.Kind? {
    do { try body() } catch let error as KensaError { return error.kind } catch { return nil }
    return nil
}
