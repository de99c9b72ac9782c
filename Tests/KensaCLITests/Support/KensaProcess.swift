import Foundation

/// Runs the built `kensa` binary, as a user would. The binary comes from the same build as
/// the tests (`swift build` puts it beside the test bundle), so tests exercise the real CLI.
struct KensaRun: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: Data
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
}

enum Kensa {
    /// `KENSA_BIN` overrides; else the `kensa` next to the xctest bundle (.build/debug/kensa).
    static var binary: URL {
        if let env = ProcessInfo.processInfo.environment["KENSA_BIN"] { return URL(fileURLWithPath: env) }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("kensa")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/kensa")
    }

    /// The package root (this file is Tests/KensaCLITests/Support/KensaProcess.swift).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `../shared/testdata` beside the clone, as in CI.
    static var sharedTestdata: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }

    /// Runs kensa with `arguments`, feeding `stdin`; output is captured through temp files so
    /// large outputs cannot deadlock a pipe.
    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    currentDirectory: URL? = nil) throws -> KensaRun {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        if let stdin {
            let inURL = tmp.appendingPathComponent("in")
            try stdin.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return KensaRun(status: process.terminationStatus,
                        stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
    }
}
