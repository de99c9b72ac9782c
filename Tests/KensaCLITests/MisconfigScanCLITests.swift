import Foundation
import XCTest

/// `--scanners misconfig` inside `kensa fs`, `rootfs` and `image`: the same engine and findings
/// as `kensa config`, and in images the layer that holds each file plus the image-config checks.
final class MisconfigScanCLITests: XCTestCase {
    static let privilegedDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: registry.example/web:1.2
                securityContext:
                  privileged: true
        """
    static let rootDockerfile = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n"

    private func write(_ dir: URL, _ name: String, _ text: String) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func findings(_ run: KensaRun) throws -> [[String: Any]] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any], run.err)
        return try XCTUnwrap(json["findings"] as? [[String: Any]], run.out)
    }

    /// What must agree between scans: id, file, lines, object, field path, suppression.
    private func keys(_ findings: [[String: Any]]) -> [String] {
        findings.map { f in
            let l = f["location"] as? [String: Any] ?? [:]
            return [f["id"] as? String, l["path"] as? String, (l["startLine"] as? Int).map(String.init),
                    (l["endLine"] as? Int).map(String.init), l["object"] as? String, l["fieldPath"] as? String,
                    (f["suppressed"] as? [String: Any])?["reason"] as? String]
                .map { $0 ?? "-" }.joined(separator: "|")
        }.sorted()
    }

    func testFsMisconfigGivesTheSameFindingsAsConfig() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "deploy/web.yaml", Self.privilegedDeployment)
        try write(dir, "Dockerfile", Self.rootDockerfile)
        // Suppressed by annotation in both commands; a plain JSON file and a hidden manifest are not judged.
        try write(dir, "deploy/agent.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: agent, namespace: ops, annotations: {kensa.dev/ignore: 'KNS-PSS-003: node agent'}}
            spec:
              containers:
              - {name: a, image: registry.example/agent:1.0, securityContext: {privileged: true}}
            """)
        try write(dir, "package.json", #"{"name": "x", "version": "1.0.0"}"#)
        try write(dir, ".github/k8s.yaml", Self.privilegedDeployment)

        let fs = try Kensa.run(["fs", dir.path, "--scanners", "misconfig", "--format", "json", "--quiet"])
        XCTAssertEqual(fs.status, 0, fs.err)
        let config = try Kensa.run(["config", dir.path, "--format", "json"])
        XCTAssertEqual(config.status, 0, config.err)
        let fromFs = try findings(fs), fromConfig = try findings(config)
        XCTAssertEqual(keys(fromFs), keys(fromConfig))

        let privileged = try XCTUnwrap(fromFs.first { $0["id"] as? String == "KNS-PSS-003" && ($0["location"] as? [String: Any])?["path"] as? String == "deploy/web.yaml" })
        let location = try XCTUnwrap(privileged["location"] as? [String: Any])
        XCTAssertEqual(location["startLine"] as? Int, 13)
        XCTAssertEqual(location["object"] as? String, "Deployment/shop/web")
        XCTAssertEqual(location["fieldPath"] as? String, "spec.template.spec.containers[0].securityContext.privileged")
        XCTAssertEqual(privileged["kind"] as? String, "misconfiguration")
        XCTAssertTrue(fromFs.contains { $0["id"] as? String == "KNS-DF-001" && ($0["location"] as? [String: Any])?["path"] as? String == "Dockerfile" })
        XCTAssertTrue(fromFs.contains { $0["id"] as? String == "KNS-PSS-003" && ($0["suppressed"] as? [String: Any])?["reason"] as? String == "node agent" })
        XCTAssertFalse(fromFs.contains { (($0["location"] as? [String: Any])?["path"] as? String ?? "").hasPrefix(".github") })

        // The default scanners (vuln, secret) do not judge configuration.
        let plain = try Kensa.run(["fs", dir.path, "--format", "json", "--quiet"])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertFalse(try findings(plain).contains { ($0["id"] as? String ?? "").hasPrefix("KNS-") })
    }

    /// `.kensaignore` of the scanned directory suppresses check findings in fs as in config.
    func testIgnoreFileSuppressesMisconfigFindingsLikeConfig() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "deploy/web.yaml", Self.privilegedDeployment)
        try write(dir, "Dockerfile", Self.rootDockerfile)
        try write(dir, ".kensaignore", """
            - id: KNS-PSS-003
              paths: [deploy/*]
              reason: privileged by design, reviewed in SEC-7
            """)
        let fs = try Kensa.run(["fs", dir.path, "--scanners", "misconfig", "--format", "json", "--quiet"])
        XCTAssertEqual(fs.status, 0, fs.err)
        let config = try Kensa.run(["config", dir.path, "--format", "json"])
        XCTAssertEqual(config.status, 0, config.err)
        XCTAssertEqual(keys(try findings(fs)), keys(try findings(config)))
        let privileged = try XCTUnwrap(try findings(fs).first { $0["id"] as? String == "KNS-PSS-003" })
        XCTAssertEqual((privileged["suppressed"] as? [String: Any])?["reason"] as? String, "privileged by design, reviewed in SEC-7")
        let table = try Kensa.run(["fs", dir.path, "--scanners", "misconfig", "-q"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertFalse(table.out.contains("KNS-PSS-003"), "suppressed findings leave the table: \(table.out)")
        XCTAssertTrue(table.out.contains("KNS-DF-001"), table.out)
    }

    func testRootfsMisconfigAndBrokenManifestIsAWarning() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "etc/kubernetes/manifests/web.yaml", Self.privilegedDeployment)
        try write(dir, "etc/kubernetes/manifests/broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n")
        let run = try Kensa.run(["rootfs", dir.path, "--scanners", "misconfig", "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let all = try findings(run)
        XCTAssertTrue(all.contains { $0["id"] as? String == "KNS-PSS-003" && ($0["location"] as? [String: Any])?["path"] as? String == "etc/kubernetes/manifests/web.yaml" })
        let warnings = json["warnings"] as? [[String: Any]] ?? []
        XCTAssertTrue(warnings.contains { $0["path"] as? String == "etc/kubernetes/manifests/broken.yaml" && ($0["reason"] as? String ?? "").hasPrefix("misconfig: invalid YAML") }, "\(warnings)")
    }

    /// A 21 MiB manifest (over the 20 MiB limit, written in chunks) is a warning naming it, not a
    /// silent skip; the scan still judges the other files and exits 0.
    func testOversizedManifestIsAWarning() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "deploy/web.yaml", Self.privilegedDeployment)
        let big = dir.appendingPathComponent("deploy/huge.yaml")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.write(contentsOf: Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n".utf8))
        let chunk = Data(String(repeating: "  k: \(String(repeating: "v", count: 1_000))\n", count: 1_024).utf8)
        for _ in 0..<21 { try handle.write(contentsOf: chunk) }
        try handle.close()
        let run = try Kensa.run(["fs", dir.path, "--scanners", "misconfig", "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        XCTAssertTrue(try findings(run).contains { $0["id"] as? String == "KNS-PSS-003" })
        let warnings = json["warnings"] as? [[String: Any]] ?? []
        XCTAssertTrue(warnings.contains { $0["path"] as? String == "deploy/huge.yaml" && ($0["reason"] as? String ?? "").contains("not read") }, "\(warnings)")
    }

    /// Layer 1 adds a manifest, a Dockerfile and a manifest that layer 2 deletes; the config runs
    /// as root with a password in ENV.
    func testImageReportsLayerDigestImageConfigAndSkipsDeletedFiles() throws {
        let work = try temporaryDirectory(self)
        try write(work, "web.yaml", Self.privilegedDeployment)
        try write(work, "Dockerfile", Self.rootDockerfile)
        let script = """
            import hashlib, io, json, os, sys, tarfile
            work = sys.argv[1]
            def layer(entries):
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    for name, data in entries:
                        info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
                        tar.addfile(info, io.BytesIO(data))
                return buf.getvalue()
            web = open(os.path.join(work, "web.yaml"), "rb").read()
            df = open(os.path.join(work, "Dockerfile"), "rb").read()
            layers = [layer([("app/deploy/web.yaml", web), ("app/Dockerfile", df), ("app/old/gone.yaml", web)]),
                      layer([("app/old/.wh.gone.yaml", b"")])]
            out = os.path.join(work, "oci"); blobs = os.path.join(out, "blobs", "sha256")
            os.makedirs(blobs)
            def put(data):
                d = hashlib.sha256(data).hexdigest()
                open(os.path.join(blobs, d), "wb").write(data)
                return {"digest": "sha256:" + d, "size": len(data)}
            descs = [dict(put(l), mediaType="application/vnd.oci.image.layer.v1.tar") for l in layers]
            config = {"architecture": "amd64", "os": "linux",
                      "config": {"User": "root", "Env": ["PATH=/usr/bin", "DB_PASSWORD=hunter2"]},
                      "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descs]},
                      "history": [{"created_by": "COPY app /app"}, {"created_by": "RUN rm /app/old/gone.yaml"}]}
            c = dict(put(json.dumps(config).encode()), mediaType="application/vnd.oci.image.config.v1+json")
            m = dict(put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                     "config": c, "layers": descs}).encode()),
                     mediaType="application/vnd.oci.image.manifest.v1+json")
            json.dump({"schemaVersion": 2, "manifests": [m]}, open(os.path.join(out, "index.json"), "w"))
            json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))
            """
        try write(work, "make.py", script)
        _ = try sh("python3 '\(work.path)/make.py' '\(work.path)'")
        let run = try Kensa.run(["image", "--input", work.appendingPathComponent("oci").path, "--scanners", "misconfig",
                                 "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let all = try findings(run)
        let layers = ((json["artifact"] as? [String: Any])?["image"] as? [String: Any])?["layers"] as? [[String: Any]] ?? []
        XCTAssertEqual(layers.count, 2)

        let privileged = try XCTUnwrap(all.first { $0["id"] as? String == "KNS-PSS-003" }, "\(all)")
        let location = try XCTUnwrap(privileged["location"] as? [String: Any])
        XCTAssertEqual(location["path"] as? String, "app/deploy/web.yaml")
        XCTAssertEqual(location["startLine"] as? Int, 13)
        XCTAssertEqual(location["object"] as? String, "Deployment/shop/web")
        XCTAssertEqual(location["fieldPath"] as? String, "spec.template.spec.containers[0].securityContext.privileged")
        XCTAssertEqual(location["layerDigest"] as? String, layers.first?["digest"] as? String)
        XCTAssertEqual(location["createdBy"] as? String, "COPY app /app")
        XCTAssertTrue(all.contains { $0["id"] as? String == "KNS-DF-001" && ($0["location"] as? [String: Any])?["path"] as? String == "app/Dockerfile" })

        // The deleted manifest is in layer 1 but not in the image the container sees.
        XCTAssertFalse(all.contains { ($0["location"] as? [String: Any])?["path"] as? String == "app/old/gone.yaml" }, "\(all)")

        let root = try XCTUnwrap(all.first { $0["id"] as? String == "KNS-IMG-001" }, "\(all)")
        XCTAssertEqual((root["location"] as? [String: Any])?["fieldPath"] as? String, "config.User")
        let env = try XCTUnwrap(all.first { $0["id"] as? String == "KNS-IMG-002" }, "\(all)")
        XCTAssertEqual((env["location"] as? [String: Any])?["fieldPath"] as? String, "config.Env[1]")
    }
}
