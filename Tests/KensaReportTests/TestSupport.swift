import Foundation
import KensaCore
@testable import KensaReport
import XCTest

/// Paths relative to this file, so tests run the same from any working directory.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/Report")
    static let validator = packageRoot.appendingPathComponent("scripts/validate-sbom.py")
}

enum Golden {
    /// Compares `data` with the golden file; `KENSA_UPDATE_GOLDEN=1` rewrites it instead (then
    /// review the diff before committing).
    static func assertMatches(_ data: Data, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Paths.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["KENSA_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Paths.fixtures, withIntermediateDirectories: true)
            try data.write(to: url)
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            XCTFail("golden file \(url.path) is missing; run with KENSA_UPDATE_GOLDEN=1 to create it",
                    file: file, line: line)
            return
        }
        if data != expected {
            let got = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let want = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let first = Array(zip(got, want)).firstIndex { $0 != $1 } ?? min(got.count, want.count)
            let gotLine = first < got.count ? String(got[first]) : "<end>"
            let wantLine = first < want.count ? String(want[first]) : "<end>"
            XCTFail("\(name) differs from the golden file at line \(first + 1):\n  got:  \(gotLine)\n  want: \(wantLine)\n"
                    + "(KENSA_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
        }
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Validator {
    /// The Python with the validator packages: `KENSA_TEST_PYTHON`, else `python3` on PATH.
    static var python: String {
        ProcessInfo.processInfo.environment["KENSA_TEST_PYTHON"] ?? "python3"
    }

    static func run(_ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a chatty validator cannot fill a pipe and stall.
        let errData = ReadAll(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.wait(), as: UTF8.self))
    }

    /// Writes `data` to a temporary file and validates it as `kind` (`cyclonedx` or `spdx`);
    /// any failure, including a missing validator package, fails the calling test.
    static func assertValid(_ data: Data, kind: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kensa-report-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(kind)-\(UUID().uuidString).json")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try run([Paths.validator.path, kind, url.path])
        switch result.status {
        case 0:
            return
        case 3:
            XCTFail("validator packages missing for \(python): \(result.stderr) "
                    + "(set KENSA_TEST_PYTHON to a python with scripts/requirements-test.txt installed)",
                    file: file, line: line)
        case 127:
            XCTFail("cannot run \(python) (set KENSA_TEST_PYTHON): \(result.stderr)", file: file, line: line)
        default:
            XCTFail("\(kind) validation failed (exit \(result.status)):\n\(result.stderr)\(result.stdout)",
                    file: file, line: line)
        }
    }
}

/// Drains a pipe on another thread.
final class ReadAll: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let read = handle.readDataToEndOfFile()
            lock.withLock { data = read }
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return lock.withLock { data }
    }
}

func renderString(_ report: Report, _ format: ReportFormat, options: WriterOptions = WriterOptions()) throws -> String {
    String(decoding: try render(report, as: format, options: options), as: UTF8.self)
}

func jsonObject(_ data: Data) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: data)
    guard let dictionary = object as? [String: Any] else {
        throw KensaError(.malformed, input: "output", reason: "not a JSON object")
    }
    return dictionary
}
