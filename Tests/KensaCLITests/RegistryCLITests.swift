#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// `kensa image REF` against a real registry (Debian's docker-registry) on loopback, with TLS
/// from a test CA and htpasswd auth; images built with umoci and pushed with skopeo.
final class RegistryCLITests: XCTestCase {
    private let user = "kensa-cli", password = "cli-pw-Xy93-secret"

    private struct Server {
        var host: String
        var caFile: String
        var layout: String
        var work: URL
    }

    private func startRegistry() throws -> Server {
        for tool in ["/usr/bin/docker-registry", "/usr/bin/htpasswd", "/usr/bin/umoci", "/usr/bin/skopeo"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) missing: run scripts/setup-system.sh --test")
        }
        let work = try temporaryDirectory(self)
        let port = try registryFreePort()
        try sh("""
        cd '\(work.path)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=kensa-cli-ca 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
        htpasswd -Bbn '\(user)' '\(password)' > htpasswd
        cat > config.yml <<EOF
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: \(work.path)/storage
        http:
          addr: 127.0.0.1:\(port)
          tls:
            certificate: \(work.path)/server.pem
            key: \(work.path)/server.key
        auth:
          htpasswd:
            realm: kensa-cli
            path: \(work.path)/htpasswd
        EOF
        """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", work.appendingPathComponent("config.yml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { process.terminate(); process.waitUntilExit() }
        let deadline = Date().addingTimeInterval(15)
        while !registryCanConnect(port: port) {
            guard Date() < deadline, process.isRunning else { throw XCTSkip("docker-registry did not start") }
            usleep(50_000)
        }
        let layout = work.appendingPathComponent("layout").path
        try sh("""
        cd '\(work.path)'
        umoci init --layout '\(layout)'
        umoci new --image '\(layout):t'
        umoci unpack --image '\(layout):t' b1 >/dev/null
        mkdir -p b1/rootfs/etc b1/rootfs/var/lib/dpkg
        printf 'NAME="Debian GNU/Linux"\\nVERSION_ID="12"\\nID=debian\\n' > b1/rootfs/etc/os-release
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: amd64\\n' > b1/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):t' b1
        umoci unpack --image '\(layout):t' b2 >/dev/null
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: amd64\\n\\nPackage: zlib1g\\nStatus: install ok installed\\nVersion: 1:1.2.13.dfsg-1\\nArchitecture: amd64\\n' > b2/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):t' b2
        umoci config --image '\(layout):t' --architecture amd64 --os linux
        skopeo copy -q --dest-creds '\(user):\(password)' --dest-tls-verify=false 'oci:\(layout):t' 'docker://127.0.0.1:\(port)/team/app:v1'
        """)
        return Server(host: "127.0.0.1:\(port)", caFile: work.appendingPathComponent("ca.pem").path, layout: layout, work: work)
    }

    private func pullArguments(_ server: Server, _ ref: String, cache: URL) -> [String] {
        ["image", ref, "--ca-file", server.caFile, "--cache-dir", cache.path, "--format", "json", "--scanners", "secret", "-q"]
    }

    func testScanByTagAndByDigestGivesTheInventoryOfTheLayoutAndReusesTheCache() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("cache")
        let local = try Kensa.run(["image", "--input", server.layout, "--format", "json", "--scanners", "secret", "-q"])
        XCTAssertEqual(local.status, 0, local.err)
        let expected = try ReportJSON(local.stdout).packages.sorted()
        XCTAssertEqual(expected.map(\.name), ["base-files", "zlib1g"])

        let byTag = try Kensa.run(pullArguments(server, "\(server.host)/team/app:v1", cache: cache) + ["--username", user, "--password-stdin", "--debug"],
                                  stdin: Data((password + "\n").utf8))
        XCTAssertEqual(byTag.status, 0, byTag.err)
        XCTAssertEqual(try ReportJSON(byTag.stdout).packages.sorted(), expected)
        XCTAssertTrue(byTag.err.contains("blobs_downloaded=3"), byTag.err)
        XCTAssertFalse(byTag.err.contains(password))

        let again = try Kensa.run(pullArguments(server, "\(server.host)/team/app:v1", cache: cache) + ["--debug"],
                                  environment: ["KENSA_USERNAME": user, "KENSA_PASSWORD": password])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("blobs_downloaded=0 bytes_downloaded=0 blobs_cached=3"), again.err)
        XCTAssertEqual(try ReportJSON(again.stdout).packages.sorted(), expected)

        guard let range = again.err.range(of: #"sha256:[0-9a-f]{64}"#, options: .regularExpression) else {
            return XCTFail("no manifest digest in --debug output: \(again.err)")
        }
        let byDigest = try Kensa.run(pullArguments(server, "\(server.host)/team/app@\(again.err[range])", cache: cache),
                                     environment: ["KENSA_USERNAME": user, "KENSA_PASSWORD": password])
        XCTAssertEqual(byDigest.status, 0, byDigest.err)
        XCTAssertEqual(try ReportJSON(byDigest.stdout).packages.sorted(), expected)

        // Views are removed after each scan; only blobs stay.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tmp").path), [])

        let clean = try Kensa.run(["clean", "--cache", "--cache-dir", cache.path])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("blobs").path))
    }

    func testEightProcessesWithOneCacheDirectoryAllSucceedIdentically() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("shared-cache")
        let outputs = server.work.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        var processes: [Process] = []
        var env = ProcessInfo.processInfo.environment
        env["KENSA_USERNAME"] = user
        env["KENSA_PASSWORD"] = password
        for i in 0..<8 {
            let p = Process()
            p.executableURL = Kensa.binary
            p.arguments = pullArguments(server, "\(server.host)/team/app:v1", cache: cache)
            p.environment = env
            let out = outputs.appendingPathComponent("\(i).out"), err = outputs.appendingPathComponent("\(i).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = try FileHandle(forWritingTo: err)
            p.standardInput = FileHandle.nullDevice
            processes.append(p)
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        var bodies: Set<Data> = []
        for (i, p) in processes.enumerated() {
            let err = (try? String(contentsOf: outputs.appendingPathComponent("\(i).err"), encoding: .utf8)) ?? ""
            XCTAssertEqual(p.terminationStatus, 0, "process \(i): \(err)")
            bodies.insert(try Data(contentsOf: outputs.appendingPathComponent("\(i).out")))
        }
        XCTAssertEqual(bodies.count, 1, "outputs differ")
        XCTAssertEqual(try ReportJSON(bodies.first ?? Data()).packages.map(\.name).sorted(), ["base-files", "zlib1g"])
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("blobs/sha256").path)
        XCTAssertFalse(names.contains { $0.hasPrefix(".partial") }, "\(names)")
    }

    func testFailuresAreOneLineWithExitCode2AndNoCredential() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("cache")
        let cases: [(args: [String], env: [String: String], expect: String)] = [
            (pullArguments(server, "\(server.host)/team/app:v1", cache: cache), ["KENSA_USERNAME": user, "KENSA_PASSWORD": "WRONG-pw-123"], "authentication failed"),
            (pullArguments(server, "\(server.host)/team/app:nope", cache: cache), ["KENSA_USERNAME": user, "KENSA_PASSWORD": password], "404"),
            (["image", "\(server.host)/team/app:v1", "--cache-dir", cache.path, "-q", "--timeout", "3"], ["KENSA_USERNAME": user, "KENSA_PASSWORD": password], "TLS failure"),
            (["image", "127.0.0.1:\(try registryFreePort())/team/app:v1", "--cache-dir", cache.path, "-q", "--timeout", "3"], [:], "connection refused"),
            (["image", "Not/Valid", "--cache-dir", cache.path], [:], "invalid image reference"),
            (["image", "\(server.host)/team/app:v1", "--platform", "linux", "--cache-dir", cache.path], [:], "os/arch"),
        ]
        for c in cases {
            let r = try Kensa.run(c.args, environment: c.env)
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.err)")
            XCTAssertTrue(r.err.contains(c.expect), "\(c.args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertFalse(r.err.contains("WRONG-pw-123") || r.err.contains(password), r.err)
            XCTAssertTrue(r.stdout.isEmpty)
        }
    }
}

private func registryFreePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw NSError(domain: "socket", code: 1) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw NSError(domain: "bind", code: 1) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

private func registryCanConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
