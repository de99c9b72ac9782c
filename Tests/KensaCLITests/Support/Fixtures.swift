import Foundation
import XCTest

/// The fixtures `scripts/make-test-fixtures.sh` builds once per test run (scripts/test sets
/// KENSA_FIXTURES): a debootstrap root filesystem and the same tree as three image formats.
enum Fixtures {
    static func dir(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["KENSA_FIXTURES"],
              FileManager.default.fileExists(atPath: path + "/done") else {
            XCTFail("KENSA_FIXTURES is not set or not built: run ./scripts/test", file: file, line: line)
            throw XCTSkip("no fixtures")
        }
        return URL(fileURLWithPath: path)
    }

    static func rootfs() throws -> URL { try dir().appendingPathComponent("rootfs") }

    static func images() throws -> [(format: String, path: URL)] {
        let image = try dir().appendingPathComponent("image")
        return [("oci-layout", image.appendingPathComponent("oci")),
                ("oci-archive", image.appendingPathComponent("test.oci.tar")),
                ("docker-archive", image.appendingPathComponent("test.docker.tar"))]
    }

    static func truth(_ name: String) throws -> Data {
        try Data(contentsOf: try dir().appendingPathComponent("truth").appendingPathComponent(name))
    }
}

/// A scratch directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Runs a shell command (test set-up only: building hostile archives, validators).
@discardableResult
func sh(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "set -euo pipefail; " + script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.standardError
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "command failed: \(script)", file: file, line: line)
    return String(decoding: data, as: UTF8.self)
}

/// Runs kensa under GNU time and returns its result and peak RSS in KiB.
func runMeasured(_ arguments: [String]) throws -> (run: KensaRun, maxRSSKiB: Int) {
    let timeOut = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-time-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: timeOut) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
    process.arguments = ["-v", "-o", timeOut.path, Kensa.binary.path] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let report = (try? String(contentsOf: timeOut, encoding: .utf8)) ?? ""
    let rss = report.split(separator: "\n").first { $0.contains("Maximum resident set size") }
        .flatMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") } ?? -1
    return (KensaRun(status: process.terminationStatus, stdout: outData, stderr: errData), rss)
}
