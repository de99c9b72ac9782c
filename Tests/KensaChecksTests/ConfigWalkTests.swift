import Foundation
import KensaCore
import XCTest
@testable import KensaChecks

/// The directory walk and file reading under `kensa config`, and the recognisers the
/// misconfiguration scanner of fs/rootfs/image uses.
final class ConfigWalkTests: XCTestCase {
    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testWalkSkipsHiddenAndSymlinksAndIsSorted() throws {
        let dir = try tempDir()
        for name in ["b/z.yaml", "a.yaml", "b/a.yaml", ".git/config.yaml", "b/.hidden.yaml"] {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x: 1\n".utf8).write(to: url)
        }
        let outside = try tempDir()
        try Data("x: 1\n".utf8).write(to: outside.appendingPathComponent("secret.yaml"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link.yaml"), withDestinationURL: outside.appendingPathComponent("secret.yaml"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("linkdir"), withDestinationURL: outside)
        let walk = ConfigScan.walk(dir)
        XCTAssertEqual(walk.files, ["a.yaml", "b/a.yaml", "b/z.yaml"])
        XCTAssertEqual(walk.warnings, [])
    }

    func testWalkDepthIsBoundedWithAWarning() throws {
        let dir = try tempDir()
        let deep = (0..<12).map { "d\($0)" }.joined(separator: "/")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(deep), withIntermediateDirectories: true)
        try Data("x: 1\n".utf8).write(to: dir.appendingPathComponent(deep + "/deep.yaml"))
        try Data("x: 1\n".utf8).write(to: dir.appendingPathComponent("d0/shallow.yaml"))
        let walk = ConfigScan.walk(dir, maxDepth: 5)
        XCTAssertEqual(walk.files, ["d0/shallow.yaml"])
        XCTAssertEqual(walk.warnings.map(\.path), ["d0/d1/d2/d3/d4"])
        XCTAssertTrue(walk.warnings.first?.reason.contains("deeper than 5 levels") ?? false)
        XCTAssertEqual(ConfigScan.walk(dir).files, [deep + "/deep.yaml", "d0/shallow.yaml"])
    }

    func testReadLimitAndErrors() throws {
        let dir = try tempDir()
        let file = dir.appendingPathComponent("f.yaml")
        try Data(repeating: 0x61, count: 1000).write(to: file)
        XCTAssertEqual(try ConfigScan.read(file.path, limit: 1000).count, 1000)
        XCTAssertThrowsError(try ConfigScan.read(file.path, limit: 999)) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .limitExceeded)
        }
        try Data().write(to: dir.appendingPathComponent("empty.yaml"))
        XCTAssertEqual(try ConfigScan.read(dir.appendingPathComponent("empty.yaml").path, limit: 10).count, 0)
        XCTAssertThrowsError(try ConfigScan.read(dir.appendingPathComponent("missing.yaml").path, limit: 10)) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .unreadable)
        }
        // A directory scan turns a file over the limit into a warning and goes on.
        try Data("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}\n".utf8)
            .write(to: dir.appendingPathComponent("pod.yaml"))
        var options = ConfigScanOptions()
        options.maxFileBytes = 500
        let result = try ConfigScan.scan(path: dir.path, options: options)
        XCTAssertEqual(result.warnings.map(\.path), ["f.yaml"])
        XCTAssertTrue(result.findings.contains { $0.id == "KNS-PSS-003" && $0.location.path == "pod.yaml" })
    }

    func testMisconfigRecognisers() {
        XCTAssertEqual(ConfigScan.configKind(ofPath: "deploy/app.yaml"), .manifest)
        XCTAssertEqual(ConfigScan.configKind(ofPath: "x/Dockerfile"), .dockerfile)
        XCTAssertEqual(ConfigScan.configKind(ofPath: "Containerfile"), .dockerfile)
        XCTAssertEqual(ConfigScan.configKind(ofPath: "build/api.Dockerfile"), .dockerfile)
        XCTAssertEqual(ConfigScan.configKind(ofPath: "Dockerfile.prod"), .dockerfile)
        XCTAssertNil(ConfigScan.configKind(ofPath: ".github/workflows/ci.yaml"))
        XCTAssertNil(ConfigScan.configKind(ofPath: "a/.hidden/pod.yaml"))
        XCTAssertNil(ConfigScan.configKind(ofPath: "main.swift"))
        XCTAssertTrue(ConfigScan.mayBeKubernetes(Data("apiVersion: v1\nkind: Pod\n".utf8)))
        XCTAssertTrue(ConfigScan.mayBeKubernetes(Data(#"{"kind":"List","apiVersion":"v1"}"#.utf8)))
        XCTAssertFalse(ConfigScan.mayBeKubernetes(Data(#"{"name":"x","version":"1.0.0"}"#.utf8)))
        XCTAssertFalse(ConfigScan.mayBeKubernetes(Data("apiVersio".utf8)))
        XCTAssertFalse(ConfigScan.mayBeKubernetes(Data()))
        XCTAssertFalse(ConfigScan.mayBeKubernetes(Data("kind: x\n".utf8)))
    }

    func testScanOfWalkedFilesMatchesTheDirectoryScan() throws {
        let dir = try tempDir()
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}\n"
        try Data(pod.utf8).write(to: dir.appendingPathComponent("pod.yaml"))
        try Data("FROM alpine\n".utf8).write(to: dir.appendingPathComponent("Dockerfile"))
        try Data("kind: [\n apiVersion".utf8).write(to: dir.appendingPathComponent("bad.yaml"))
        let files = [ConfigFile(path: "pod.yaml", content: Data(pod.utf8), kind: .manifest),
                     ConfigFile(path: "Dockerfile", content: Data("FROM alpine\n".utf8), kind: .dockerfile),
                     ConfigFile(path: "bad.yaml", content: Data("kind: [\n apiVersion".utf8), kind: .manifest)]
        let fromFiles = ConfigScan.scan(files: files, options: ConfigScanOptions())
        let fromDirectory = try ConfigScan.scan(path: dir.path, options: ConfigScanOptions())
        XCTAssertEqual(fromFiles.findings, fromDirectory.findings)
        XCTAssertEqual(fromFiles.warnings, fromDirectory.warnings)
        XCTAssertEqual(fromFiles.warnings.map(\.path), ["bad.yaml"])
        XCTAssertFalse(fromFiles.findings.isEmpty)
    }
}
