#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// A real registry (Debian's `docker-registry`) on 127.0.0.1 with TLS from a CA made here and
/// htpasswd (bcrypt) basic auth or bearer tokens from a `TokenIssuer`, its storage in a
/// temporary directory. Stopped at teardown.
final class TestRegistry {
    enum Auth { case none, htpasswd, token }

    static let username = "kensa-user"
    static let password = "pw-Zq81-secret"

    let dir: URL
    let port: Int
    let caFile: String
    let storage: URL
    /// Set with `auth: .token`.
    let issuer: TokenIssuer?
    private let process: Process

    var host: String { "127.0.0.1:\(port)" }

    init(test: XCTestCase, tls: Bool = true, auth: Auth = .htpasswd) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") else {
            throw XCTSkip("docker-registry or htpasswd missing: run scripts/setup-system.sh --test")
        }
        dir = try scratchDirectory(test)
        storage = dir.appendingPathComponent("storage")
        caFile = dir.appendingPathComponent("ca.pem").path
        try shell("""
        cd '\(dir.path)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=kensa-test-ca 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
        htpasswd -Bbn '\(Self.username)' '\(Self.password)' > htpasswd
        """)
        port = try freePort()
        var config = """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: \(storage.path)
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:\(port)

        """
        if tls {
            config += """
              tls:
                certificate: \(dir.path)/server.pem
                key: \(dir.path)/server.key

            """
        }
        switch auth {
        case .none:
            issuer = nil
        case .htpasswd:
            issuer = nil
            config += """
            auth:
              htpasswd:
                realm: kensa-test
                path: \(dir.path)/htpasswd

            """
        case .token:
            let tokens = try TokenIssuer.start(in: dir, users: [Self.username: Self.password], test: test)
            issuer = tokens
            config += """
            auth:
              token:
                realm: \(tokens.realm)
                service: \(TokenIssuer.service)
                issuer: \(TokenIssuer.issuer)
                rootcertbundle: \(tokens.signingCertificate)

            """
        }
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.yml"))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", dir.appendingPathComponent("config.yml").path]
        let log = dir.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let p = process
        test.addTeardownBlock { stopProcess(p) }
        let deadline = Date().addingTimeInterval(15)
        while !canConnect(port: port) {
            guard process.isRunning, Date() < deadline else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw NSError(domain: "TestRegistry", code: 1, userInfo: [NSLocalizedDescriptionKey: "registry did not start: \(text)"])
            }
            usleep(50_000)
        }
    }

    /// Pushes `oci:LAYOUT[:TAG]` to `REPO:DESTTAG` with skopeo (`--all` keeps an index whole).
    func push(layout: String, to repository: String, all: Bool = false) throws {
        try shell("""
        skopeo copy -q \(all ? "--all" : "") --dest-creds '\(Self.username):\(Self.password)' --dest-tls-verify=false \
          'oci:\(layout)' 'docker://\(host)/\(repository)'
        """)
    }

    /// The blob file the registry stores for `digest`.
    func blobData(_ digest: String) -> URL {
        let hex = String(digest.dropFirst(7))
        return storage.appendingPathComponent("docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
    }
}

/// Stops a helper process started by a test. SIGKILL, not `terminate()`: a process started
/// from a Swift concurrency thread inherits that thread's signal mask, in which libdispatch
/// blocks SIGTERM; Python never unblocks it, so `terminate()` is never delivered and
/// `waitUntilExit()` waits forever (this is what hung RetryAndTimeoutTests).
func stopProcess(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

func scratchDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-reg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

@discardableResult
func shell(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "set -euo pipefail; " + script]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "sh", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "command failed: \(script)\n\(String(decoding: errData, as: UTF8.self))"])
    }
    return String(decoding: data, as: UTF8.self)
}

/// A port nobody listens on right now (bound to 0, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw NSError(domain: "socket", code: 1) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw NSError(domain: "bind", code: 1) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func canConnect(port: Int) -> Bool {
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

/// Small OCI layouts built with umoci: a Debian-looking root with a dpkg status file, in two
/// layers, for `arch` (amd64 or arm64; the arm64 one has an extra package so the two differ).
enum TestImages {
    static func build(in dir: URL, arch: String = "amd64", tag: String = "t") throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/umoci"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/skopeo") else {
            throw XCTSkip("umoci or skopeo missing: run scripts/setup-system.sh --test")
        }
        let layout = dir.appendingPathComponent("layout-\(arch)").path
        let extra = arch == "arm64" ? "\\nPackage: armonly\\nStatus: install ok installed\\nVersion: 2.0-1\\nArchitecture: arm64\\n" : ""
        try shell("""
        cd '\(dir.path)'
        umoci init --layout '\(layout)'
        umoci new --image '\(layout):\(tag)'
        umoci unpack --image '\(layout):\(tag)' b1-\(arch) >/dev/null
        mkdir -p b1-\(arch)/rootfs/etc b1-\(arch)/rootfs/var/lib/dpkg
        printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\\nNAME="Debian GNU/Linux"\\nVERSION_ID="12"\\nID=debian\\n' > b1-\(arch)/rootfs/etc/os-release
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: \(arch)\\n\(extra)' > b1-\(arch)/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):\(tag)' b1-\(arch)
        umoci unpack --image '\(layout):\(tag)' b2-\(arch) >/dev/null
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: \(arch)\\n\\nPackage: zlib1g\\nStatus: install ok installed\\nVersion: 1:1.2.13.dfsg-1\\nArchitecture: \(arch)\\n\(extra)' > b2-\(arch)/rootfs/var/lib/dpkg/status
        echo 'hello \(arch)' > b2-\(arch)/rootfs/etc/motd
        umoci repack --image '\(layout):\(tag)' b2-\(arch)
        umoci config --image '\(layout):\(tag)' --architecture \(arch) --os linux
        umoci gc --layout '\(layout)'
        """)
        return layout
    }
}
