#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// Issue 5, acceptance 3: the per-layer analysis cache, judged from kensa's own `--debug`
/// counters against a real registry (Support/CLIRegistry.swift); and `--platform all`.
final class LayerCacheCLITests: XCTestCase {
    /// Same timestamp in every report, so outputs compare byte for byte.
    private let fixedTime = ["SOURCE_DATE_EPOCH": "1700000000"]

    private func scan(_ registry: CLIRegistry, _ ref: String, cache: URL, _ extra: [String] = []) throws -> KensaRun {
        try Kensa.run(["image", "\(registry.host)/\(ref)", "--ca-file", registry.caFile, "--cache-dir", cache.path,
                       "--format", "json", "--scanners", "secret", "-q", "--debug"] + extra,
                      environment: registry.environment.merging(fixedTime) { a, _ in a })
    }

    /// The two counters of `--debug`: (analysed, from cache).
    private func layerCounters(_ run: KensaRun) -> (analysed: Int, cached: Int)? {
        guard let line = run.err.split(separator: "\n").first(where: { $0.contains("layers_analysed=") }) else { return nil }
        var values: [String: Int] = [:]
        for field in line.split(separator: " ") {
            let pair = field.split(separator: "=")
            if pair.count == 2, let n = Int(pair[1]) { values[String(pair[0])] = n }
        }
        guard let a = values["layers_analysed"], let c = values["layers_from_cache"] else { return nil }
        return (a, c)
    }

    /// A Debian-looking image whose base layer also holds a GitHub token, so secret findings go
    /// through the cache too; pushed as team/app:v1. Returns the layout (tag `t`).
    private func pushBase(_ registry: CLIRegistry) throws -> String {
        let layout = try CLIRegistry.debianImage(in: registry.work)
        try sh("""
        cd '\(registry.work.path)'
        umoci unpack --image '\(layout):t' secret-bundle >/dev/null
        mkdir -p secret-bundle/rootfs/app
        printf 'GITHUB_TOKEN=ghp_Zx8Kq2Lm5Np7Rt9Vw3Yb6Cd1Fg4Hj0Ks8Qu2\\n' > secret-bundle/rootfs/app/deploy.env
        umoci repack --image '\(layout):t' secret-bundle
        """)
        try registry.push(layout: layout, tag: "t", to: "team/app:v1")
        return layout
    }

    func testSecondScanDownloadsNoBlobAndAnalysesNoLayerWithIdenticalOutput() throws {
        let registry = try CLIRegistry.start(self)
        _ = try pushBase(registry)
        let cache = registry.work.appendingPathComponent("cache")

        let first = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.err.contains("blobs_downloaded=4 "), first.err)
        XCTAssertEqual(layerCounters(first)?.analysed, 3, first.err)
        XCTAssertEqual(layerCounters(first)?.cached, 0, first.err)
        let report = try ReportJSON(first.stdout)
        XCTAssertEqual(report.packages.map(\.name).sorted(), ["base-files", "zlib1g"])
        XCTAssertEqual((report.object["findings"] as? [[String: Any]])?.compactMap { ($0["location"] as? [String: Any])?["path"] as? String },
                       ["app/deploy.env"])

        let second = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(second.status, 0, second.err)
        XCTAssertTrue(second.err.contains("blobs_downloaded=0 bytes_downloaded=0 blobs_cached=4"), second.err)
        XCTAssertEqual(layerCounters(second)?.analysed, 0, second.err)
        XCTAssertEqual(layerCounters(second)?.cached, 3, second.err)
        XCTAssertEqual(second.out, first.out, "a cached scan must report exactly what the first one did")

        // Another key (a secret configuration) analyses again; the first key's entries stay.
        let config = registry.work.appendingPathComponent("secret.yaml")
        try Data("disable-rules: [github-pat]\n".utf8).write(to: config)
        let configured = try scan(registry, "team/app:v1", cache: cache, ["--secret-config", config.path])
        XCTAssertEqual(configured.status, 0, configured.err)
        XCTAssertEqual(layerCounters(configured)?.analysed, 3, configured.err)
        let ids = (try ReportJSON(configured.stdout).object["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertFalse(ids.contains("github-pat"), configured.out)
        XCTAssertEqual(layerCounters(try scan(registry, "team/app:v1", cache: cache))?.cached, 3)

        let clean = try Kensa.run(["clean", "--cache", "--cache-dir", cache.path])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("layers").path))

        // --input archives never use the layer cache: their digests are not verified.
        let local = try Kensa.run(["image", "--input", registry.work.appendingPathComponent("layout").path,
                                   "--cache-dir", cache.path, "--format", "json", "--scanners", "secret", "-q"])
        XCTAssertEqual(local.status, 0, local.err)
        XCTAssertEqual(try ReportJSON(local.stdout).packages, report.packages)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("layers").path))
        let afterClean = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(layerCounters(afterClean)?.analysed, 3, afterClean.err)
        XCTAssertEqual(afterClean.out, first.out)
    }

    func testImageSharingTheBaseLayersAnalysesOnlyItsOwnLayer() throws {
        let registry = try CLIRegistry.start(self)
        let layout = try pushBase(registry)
        try sh("""
        cd '\(registry.work.path)'
        umoci unpack --image '\(layout):t' v2-bundle >/dev/null
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: amd64\\n\\nPackage: curl\\nStatus: install ok installed\\nVersion: 7.88.1-10\\nArchitecture: amd64\\n\\nPackage: zlib1g\\nStatus: install ok installed\\nVersion: 1:1.2.13.dfsg-1\\nArchitecture: amd64\\n' > v2-bundle/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):v2' v2-bundle
        """)
        try registry.push(layout: layout, tag: "v2", to: "team/app:v2")
        let cache = registry.work.appendingPathComponent("cache")

        XCTAssertEqual(layerCounters(try scan(registry, "team/app:v1", cache: cache))?.analysed, 3)
        let derived = try scan(registry, "team/app:v2", cache: cache)
        XCTAssertEqual(derived.status, 0, derived.err)
        XCTAssertEqual(layerCounters(derived)?.analysed, 1, derived.err)
        XCTAssertEqual(layerCounters(derived)?.cached, 3, derived.err)
        // Only the new config and the new layer are downloaded.
        XCTAssertTrue(derived.err.contains("blobs_downloaded=2 "), derived.err)

        // The same report as a scan that analyses every layer.
        let fresh = try scan(registry, "team/app:v2", cache: registry.work.appendingPathComponent("fresh-cache"))
        XCTAssertEqual(layerCounters(fresh)?.analysed, 4, fresh.err)
        XCTAssertEqual(derived.out, fresh.out)
        XCTAssertEqual(try ReportJSON(derived.stdout).packages.map(\.name), ["base-files", "curl", "zlib1g"])
    }

    func testDamagedOrHostileEntriesAreMissesNotCrashesOrWrongResults() throws {
        let registry = try CLIRegistry.start(self)
        _ = try pushBase(registry)
        let cache = registry.work.appendingPathComponent("cache")
        let first = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(first.status, 0, first.err)
        let layers = cache.appendingPathComponent("layers")
        let entries = try FileManager.default.contentsOfDirectory(atPath: layers.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(entries.count, 3, "\(entries)")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: layers.path).contains { $0.hasPrefix(".partial") })

        // Truncated; one byte of the payload changed (still valid JSON); a FIFO, which must not
        // block the reader.
        let paths = entries.map { layers.appendingPathComponent($0).path }
        let whole = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: paths[0]))
        var flipped = try Data(contentsOf: URL(fileURLWithPath: paths[1]))
        guard let at = flipped.range(of: Data("base-files".utf8)) ?? flipped.range(of: Data("zlib1g".utf8))
            ?? flipped.range(of: Data("deploy.env".utf8)) else { return XCTFail("no known text in the entry") }
        flipped[at.lowerBound] = UInt8(ascii: "X")
        try flipped.write(to: URL(fileURLWithPath: paths[1]))
        try FileManager.default.removeItem(atPath: paths[2])
        XCTAssertEqual(mkfifo(paths[2], 0o644), 0)

        let damaged = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(damaged.status, 0, damaged.err)
        XCTAssertEqual(layerCounters(damaged)?.analysed, 3, damaged.err)
        XCTAssertEqual(damaged.out, first.out)

        // The misses were rewritten: the next scan reads all three again.
        let repaired = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(layerCounters(repaired)?.cached, 3, repaired.err)
        XCTAssertEqual(repaired.out, first.out)

        // An entry of another layer renamed over this one's name: it names another layer (or
        // another key), so it is a miss too.
        try FileManager.default.removeItem(atPath: paths[0])
        try FileManager.default.copyItem(atPath: paths[1], toPath: paths[0])
        let swapped = try scan(registry, "team/app:v1", cache: cache)
        XCTAssertEqual(layerCounters(swapped)?.analysed, 1, swapped.err)
        XCTAssertEqual(swapped.out, first.out)
    }

    // MARK: - --platform all

    /// A layout whose tag `multi` is an OCI index over an amd64 and an arm64 image.
    private func multiPlatformLayout(in work: URL) throws -> String {
        let amd = try CLIRegistry.debianImage(in: work, name: "amd", arch: "amd64")
        let arm = try CLIRegistry.debianImage(in: work, name: "arm", arch: "arm64")
        let out = work.appendingPathComponent("multi")
        try sh("mkdir -p '\(out.path)/blobs/sha256' && cp '\(amd)'/blobs/sha256/* '\(arm)'/blobs/sha256/* '\(out.path)/blobs/sha256/'")
        var entries: [[String: Any]] = []
        for (arch, layout) in [("amd64", amd), ("arm64", arm)] {
            let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))) as? [String: Any]
            guard let m = (index?["manifests"] as? [[String: Any]])?.first else { throw XCTSkip("umoci layout without manifests") }
            entries.append(["mediaType": m["mediaType"] ?? "application/vnd.oci.image.manifest.v1+json", "digest": m["digest"] ?? "",
                            "size": m["size"] ?? 0, "platform": ["os": "linux", "architecture": arch]])
        }
        let blob = try JSONSerialization.data(withJSONObject: ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                                               "manifests": entries], options: [.sortedKeys])
        let staged = work.appendingPathComponent("index-blob")
        try blob.write(to: staged)
        let hex = try sh("sha256sum '\(staged.path)' | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.moveItem(at: staged, to: out.appendingPathComponent("blobs/sha256/\(hex)"))
        let top: [String: Any] = ["schemaVersion": 2, "manifests": [[
            "mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:\(hex)", "size": blob.count,
            "annotations": ["org.opencontainers.image.ref.name": "multi"]]]]
        try JSONSerialization.data(withJSONObject: top).write(to: out.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: out.appendingPathComponent("oci-layout"))
        return out.path
    }

    func testPlatformAllScansAndReportsEveryPlatformOfTheIndex() throws {
        let registry = try CLIRegistry.start(self)
        let multi = try multiPlatformLayout(in: registry.work)
        try registry.push(layout: multi, tag: "multi", to: "team/multi:1", all: true)
        let cache = registry.work.appendingPathComponent("cache")

        let json = try scan(registry, "team/multi:1", cache: cache, ["--platform", "all"])
        XCTAssertEqual(json.status, 0, json.err)
        guard let reports = try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]] else {
            return XCTFail("not a JSON array: \(json.out)")
        }
        let images = reports.map { ($0["artifact"] as? [String: Any])?["image"] as? [String: Any] }
        XCTAssertEqual(images.map { $0?["architecture"] as? String }, ["amd64", "arm64"])
        for (report, arch) in zip(reports, ["amd64", "arm64"]) {
            let packages = (try? ReportJSON(JSONSerialization.data(withJSONObject: report)).packages) ?? []
            XCTAssertEqual(packages.map(\.name), ["base-files", "zlib1g"])
            XCTAssertEqual(Set(packages.map(\.architecture)), [arch])
        }
        // One registry line per platform, then the layer counters of both scans.
        XCTAssertTrue(json.err.contains("(linux/amd64)") && json.err.contains("(linux/arm64)"), json.err)
        XCTAssertEqual(layerCounters(json)?.analysed, 4, json.err)

        // Each platform equals a scan of that platform alone (and comes from the cache now).
        let arm = try scan(registry, "team/multi:1", cache: cache, ["--platform", "linux/arm64"])
        XCTAssertEqual(arm.status, 0, arm.err)
        XCTAssertEqual(layerCounters(arm)?.cached, 2, arm.err)
        let armAlone = try ReportJSON(arm.stdout)
        XCTAssertEqual(armAlone.packages, try ReportJSON(JSONSerialization.data(withJSONObject: reports[1])).packages)

        let table = try Kensa.run(["image", "\(registry.host)/team/multi:1", "--ca-file", registry.caFile, "--cache-dir", cache.path,
                                   "--platform", "all", "--scanners", "secret", "--list-packages", "-q"],
                                  environment: registry.environment)
        XCTAssertEqual(table.status, 0, table.err)
        let amdAt = table.out.range(of: "Platform linux/amd64 sha256:"), armAt = table.out.range(of: "Platform linux/arm64 sha256:")
        XCTAssertNotNil(amdAt, table.out)
        XCTAssertNotNil(armAt, table.out)
        if let amdAt, let armAt { XCTAssertLessThan(amdAt.lowerBound, armAt.lowerBound) }

        // A single-manifest image under --platform all is a one-element array.
        try registry.push(layout: try CLIRegistry.debianImage(in: registry.work, name: "single"), tag: "t", to: "team/single:1")
        let single = try scan(registry, "team/single:1", cache: cache, ["--platform", "all"])
        XCTAssertEqual(single.status, 0, single.err)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: single.stdout) as? [Any])?.count, 1, single.out)

        // Formats that hold one image, and --input, are usage errors before any pull.
        for (args, expect) in [(["--format", "sarif"], "scan one platform at a time"),
                               (["--format", "cyclonedx"], "scan one platform at a time")] {
            let r = try Kensa.run(["image", "\(registry.host)/team/multi:1", "--platform", "all"] + args)
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssertTrue(r.err.contains(expect), r.err)
            XCTAssertTrue(r.stdout.isEmpty)
        }
        let input = try Kensa.run(["image", "--input", multi, "--platform", "all"])
        XCTAssertEqual(input.status, 2, input.err)
        XCTAssertTrue(input.err.contains("--platform all needs an image reference"), input.err)
    }
}
