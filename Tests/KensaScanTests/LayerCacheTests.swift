#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KensaArtifact
import KensaCore
import XCTest
@testable import KensaScan

/// The layer cache's entry format and file handling: round trip, and every damaged, foreign
/// or hostile entry is a miss (nil), never a crash or another layer's result.
final class LayerCacheTests: XCTestCase {
    private let layer = "sha256:" + String(repeating: "ab", count: 32)
    private let otherLayer = "sha256:" + String(repeating: "cd", count: 32)

    /// An outcome with a package, an OS, owned files, a secret finding and a walk, built from
    /// JSON so the test does not depend on the analyzer and artifact modules' initialisers.
    private func sampleOutcome() throws -> LayerOutcome {
        let finding = Finding(kind: .secret, id: "github-pat", title: "GitHub personal access token", severity: .critical,
                              location: .init(path: "app/deploy.env", startLine: 1), message: "token", category: "GitHub",
                              match: "ghp_****(40)")
        let findings = String(decoding: try JSONEncoder().encode([finding]), as: UTF8.self)
        let json = """
        {"walk": {"paths": ["etc", "etc/os-release", "var/lib/dpkg/status", "lib", "bin"], "whiteouts": ["tmp/x"],
                  "opaqueDirs": ["opt"], "warnings": [{"path": "evil", "reason": "climbs", "layer": "\(layer)"}],
                  "bytesRead": 10240, "directories": ["etc"], "symlinks": {"bin": "usr/bin", "lib": "usr/lib"}},
         "facts": [{"path": "var/lib/dpkg/status", "output": {
             "os": {"family": "debian", "version": "12"},
             "packages": [{"name": "zlib1g", "version": "1:1.2.13.dfsg-1", "ecosystem": "deb",
                           "purl": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12", "foundBy": "dpkg",
                           "sourceName": "zlib", "licenses": ["Zlib"], "location": {"path": "var/lib/dpkg/status"},
                           "dependsOn": [], "isDev": false}],
             "ownedFiles": ["/usr/lib/x86_64-linux-gnu/libz.so.1"], "warnings": []}}],
         "warnings": [{"path": "var/lib/dpkg/status", "reason": "dpkg: bad stanza"}],
         "findings": \(findings), "configFiles": []}
        """
        return try JSONDecoder().decode(LayerOutcome.self, from: Data(json.utf8))
    }

    private static func canonical(_ outcome: LayerOutcome?) throws -> Data? {
        guard let outcome else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(outcome)
    }

    private func cacheDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-layercache-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testStoredOutcomeLoadsBackIdentically() throws {
        let outcome = try sampleOutcome()
        let cache = LayerCache(directory: try cacheDirectory(), key: "key one")
        XCTAssertNil(cache.load(layerDigest: layer))
        XCTAssertTrue(cache.store(outcome, layerDigest: layer))
        XCTAssertEqual(try Self.canonical(cache.load(layerDigest: layer)), try Self.canonical(outcome))
        XCTAssertNil(cache.load(layerDigest: otherLayer))
        // Another key is another entry.
        XCTAssertNil(LayerCache(directory: cache.directory, key: "key two").load(layerDigest: layer))
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.directory).filter { $0.hasPrefix(".") }, [])
    }

    func testDamagedEntriesAreMisses() throws {
        let outcome = try sampleOutcome()
        let data = try XCTUnwrap(LayerCache.encode(outcome, layerDigest: layer, key: "k"))
        XCTAssertNotNil(LayerCache.decode(data, layerDigest: layer, key: "k"))
        // Truncated anywhere.
        for cut in [0, 1, data.count / 3, data.count / 2, data.count - 20, data.count - 2, data.count - 1] {
            XCTAssertNil(LayerCache.decode(data.prefix(cut), layerDigest: layer, key: "k"), "cut at \(cut)")
        }
        // Any single byte changed, in the payload or the trailer.
        for position in stride(from: 0, to: data.count, by: max(1, data.count / 97)) {
            var bad = data
            bad[position] ^= 0x01
            XCTAssertNil(LayerCache.decode(bad, layerDigest: layer, key: "k"), "byte \(position)")
        }
        // Bytes appended; an empty file; garbage; a trailer claiming a length past the data.
        XCTAssertNil(LayerCache.decode(data + Data("x\n".utf8), layerDigest: layer, key: "k"))
        XCTAssertNil(LayerCache.decode(Data(), layerDigest: layer, key: "k"))
        XCTAssertNil(LayerCache.decode(Data(repeating: 0x0a, count: 4096), layerDigest: layer, key: "k"))
        XCTAssertNil(LayerCache.decode(Data("{}\nkensa-layer-cache 9223372036854775807 0000000000000000\n".utf8), layerDigest: layer, key: "k"))
        XCTAssertNil(LayerCache.decode(Data("{}\nkensa-layer-cache -1 0000000000000000\n".utf8), layerDigest: layer, key: "k"))
    }

    func testAWellFormedEntryOfAnotherLayerOrKeyIsAMiss() throws {
        let outcome = try sampleOutcome()
        let data = try XCTUnwrap(LayerCache.encode(outcome, layerDigest: otherLayer, key: "k"))
        XCTAssertNil(LayerCache.decode(data, layerDigest: layer, key: "k"))
        XCTAssertNil(LayerCache.decode(data, layerDigest: otherLayer, key: "k2"))
        // A valid trailer over JSON that is not an entry.
        let payload = Data(#"{"key":"k","layer":"x"}"#.utf8)
        let forged = payload + Data("\nkensa-layer-cache \(payload.count) \(LayerCache.hex(LayerCache.fnv1a64(payload)))\n".utf8)
        XCTAssertNil(LayerCache.decode(forged, layerDigest: layer, key: "k"))
    }

    func testOnlyWellFormedDigestsNameEntries() throws {
        let cache = LayerCache(directory: "/nonexistent", key: "k")
        XCTAssertNotNil(cache.entryPath(layerDigest: layer))
        for bad in ["sha256:../../etc/passwd", "sha256:" + String(repeating: "AB", count: 32), "sha256:abc", "md5:" + String(repeating: "ab", count: 32),
                    layer + "/x", "", "sha256:", "sha256:" + String(repeating: "a", count: 200), layer + ":x"] {
            XCTAssertNil(cache.entryPath(layerDigest: bad), bad)
            XCTAssertNil(cache.load(layerDigest: bad), bad)
        }
    }

    func testHostileFilesAtAnEntryPathAreMissesAndStoreReplacesThem() throws {
        let outcome = try sampleOutcome()
        let cache = LayerCache(directory: try cacheDirectory(), key: "k")
        try FileManager.default.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
        let path = try XCTUnwrap(cache.entryPath(layerDigest: layer))
        // A FIFO must not block the reader.
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        XCTAssertNil(cache.load(layerDigest: layer))
        XCTAssertTrue(cache.store(outcome, layerDigest: layer))
        XCTAssertNotNil(cache.load(layerDigest: layer))
        // A symlink to a device, and a directory.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        XCTAssertNil(cache.load(layerDigest: layer))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertNil(cache.load(layerDigest: layer))
        // A directory that cannot be created: store fails quietly.
        XCTAssertFalse(LayerCache(directory: "/dev/null/layers", key: "k").store(outcome, layerDigest: layer))
    }

    func testTheKeyChangesWithEverythingThatChangesAnOutcome() throws {
        let base = ScanOptions(scanners: [.secret, .vuln])
        let key = LayerCache.key(analyzers: [], options: base, limits: .default)
        var noSecrets = base
        noSecrets.scanners = [.vuln]
        var misconfig = base
        misconfig.scanners = [.secret, .vuln, .misconfig]
        var configured = base
        configured.secretConfigDigest = "12-0123456789abcdef"
        var limits = ReadLimits.default
        limits.maxWantedFileSize = 1 << 20
        let keys = [key,
                    LayerCache.key(analyzers: [], options: noSecrets, limits: .default),
                    LayerCache.key(analyzers: [], options: misconfig, limits: .default),
                    LayerCache.key(analyzers: [], options: configured, limits: .default),
                    LayerCache.key(analyzers: [], options: base, limits: limits)]
        XCTAssertEqual(Set(keys).count, keys.count, keys.joined(separator: "\n---\n"))
        XCTAssertEqual(LayerCache.key(analyzers: [], options: ScanOptions(scanners: [.vuln, .secret]), limits: .default), key)
        XCTAssertTrue(key.contains("kensa \(KensaVersionInfo.version)"))
    }

    func testConcurrentWritersAndReadersSeeWholeEntriesOnly() throws {
        let outcome = try sampleOutcome()
        let expected = try Self.canonical(outcome)
        let cache = LayerCache(directory: try cacheDirectory(), key: "k")
        let bad = Box()
        let layer = self.layer
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for _ in 0..<25 {
                if i % 2 == 0 {
                    _ = cache.store(outcome, layerDigest: layer)
                } else if let loaded = cache.load(layerDigest: layer), (try? LayerCacheTests.canonical(loaded)) != expected {
                    bad.mark()
                }
            }
        }
        XCTAssertFalse(bad.marked)
        XCTAssertEqual(try Self.canonical(cache.load(layerDigest: layer)), expected)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.directory).count, 1)
    }

    func testFingerprintFollowsTheFileContent() throws {
        let dir = try cacheDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/secret.yaml"
        try Data("disable-rules: [a]\n".utf8).write(to: URL(fileURLWithPath: file))
        let one = try LayerCacheLocation.fingerprint(ofFile: file)
        try Data("disable-rules: [b]\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertNotEqual(try LayerCacheLocation.fingerprint(ofFile: file), one)
        XCTAssertThrowsError(try LayerCacheLocation.fingerprint(ofFile: dir + "/missing")) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .unreadable)
        }
    }
}

private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var marked: Bool { lock.withLock { value } }
    func mark() { lock.withLock { value = true } }
}
