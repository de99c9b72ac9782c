#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// A real registry (Debian's docker-registry) on loopback for CLI tests, with TLS from a test
/// CA and htpasswd auth; stopped at teardown. Images are built with umoci and pushed with skopeo.
/// Shared by RegistryCLITests and LayerCacheCLITests.
struct CLIRegistry {
    static let user = "kensa-cli", password = "cli-pw-Xy93-secret"

    var host: String
    var caFile: String
    var work: URL

    /// The credentials as kensa reads them from the environment.
    var environment: [String: String] { ["KENSA_USERNAME": Self.user, "KENSA_PASSWORD": Self.password] }

    static func start(_ test: XCTestCase) throws -> CLIRegistry {
        for tool in ["/usr/bin/docker-registry", "/usr/bin/htpasswd", "/usr/bin/umoci", "/usr/bin/skopeo"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) missing: run scripts/setup-system.sh --test")
        }
        let work = try temporaryDirectory(test)
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
        test.addTeardownBlock { process.terminate(); process.waitUntilExit() }
        let deadline = Date().addingTimeInterval(15)
        while !registryCanConnect(port: port) {
            guard Date() < deadline, process.isRunning else { throw XCTSkip("docker-registry did not start") }
            usleep(50_000)
        }
        return CLIRegistry(host: "127.0.0.1:\(port)", caFile: work.appendingPathComponent("ca.pem").path, work: work)
    }

    /// `skopeo copy oci:LAYOUT:TAG docker://HOST/DESTINATION` (`all` keeps an index whole).
    func push(layout: String, tag: String, to destination: String, all: Bool = false) throws {
        try sh("""
        skopeo copy -q \(all ? "--all" : "") --dest-creds '\(Self.user):\(Self.password)' --dest-tls-verify=false \
          'oci:\(layout):\(tag)' 'docker://\(host)/\(destination)'
        """)
    }

    /// A Debian-looking image in two layers (os-release and a dpkg status with base-files, then
    /// a status adding zlib1g) as tag `t` of a new layout; `arch` goes into the config.
    static func debianImage(in work: URL, name: String = "layout", arch: String = "amd64") throws -> String {
        let layout = work.appendingPathComponent(name).path
        let b = "\(name)-bundle"
        try sh("""
        cd '\(work.path)'
        umoci init --layout '\(layout)'
        umoci new --image '\(layout):t'
        umoci unpack --image '\(layout):t' \(b)1 >/dev/null
        mkdir -p \(b)1/rootfs/etc \(b)1/rootfs/var/lib/dpkg
        printf 'NAME="Debian GNU/Linux"\\nVERSION_ID="12"\\nID=debian\\n' > \(b)1/rootfs/etc/os-release
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: \(arch)\\n' > \(b)1/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):t' \(b)1
        umoci unpack --image '\(layout):t' \(b)2 >/dev/null
        printf 'Package: base-files\\nStatus: install ok installed\\nVersion: 12.4+deb12u5\\nArchitecture: \(arch)\\n\\nPackage: zlib1g\\nStatus: install ok installed\\nVersion: 1:1.2.13.dfsg-1\\nArchitecture: \(arch)\\n' > \(b)2/rootfs/var/lib/dpkg/status
        umoci repack --image '\(layout):t' \(b)2
        umoci config --image '\(layout):t' --architecture \(arch) --os linux
        """)
        return layout
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

/// A loopback port nobody listens on right now.
func unusedLoopbackPort() throws -> Int { try registryFreePort() }

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
