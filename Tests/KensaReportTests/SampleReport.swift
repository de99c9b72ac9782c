import Foundation
import KensaCore

/// A hand-built report covering what the writers must handle: deb (source package, epoch,
/// `+` and `~` in versions), apk, PyPI, scoped npm with the same package in two
/// `node_modules` directories, Maven, Go, dependencies, licenses (ID, expression, free text,
/// a mix), a dev dependency, and warnings.
enum SampleReport {
    static let layer1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
    static let layer2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
    static let layer3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333"
    static let diff1 = "sha256:aaaa111111111111111111111111111111111111111111111111111111111111"
    static let diff2 = "sha256:aaaa222222222222222222222222222222222222222222222222222222222222"
    static let diff3 = "sha256:aaaa333333333333333333333333333333333333333333333333333333333333"

    static func deb(_ name: String, _ version: String, source: String? = nil, sourceVersion: String? = nil,
                    licenses: [String] = [], dependsOn: [String] = []) -> Package {
        Package(name: name, version: version, ecosystem: .deb,
                purl: PURL(type: "deb", namespace: "debian", name: name, version: version,
                           qualifiers: ["arch": "amd64", "distro": "debian-12"]),
                foundBy: "dpkg", sourceName: source, sourceVersion: sourceVersion, architecture: "amd64",
                licenses: licenses,
                location: .init(path: "var/lib/dpkg/status", layerDigest: layer1, diffID: diff1),
                dependsOn: dependsOn)
    }

    static func npm(_ scope: String?, _ name: String, _ version: String, path: String, licenses: [String] = [],
                    dependsOn: [String] = [], dev: Bool = false) -> Package {
        Package(name: scope.map { "\($0)/\(name)" } ?? name, version: version, ecosystem: .npm,
                purl: PURL(type: "npm", namespace: scope, name: name, version: version),
                foundBy: "node-pkg", licenses: licenses,
                location: .init(path: path, layerDigest: layer3, diffID: diff3), dependsOn: dependsOn, isDev: dev)
    }

    static var packages: [Package] {
        [
            deb("bash", "5.2.15-2+b7", source: "bash", sourceVersion: "5.2.15-2", licenses: ["GPL-3.0-or-later"],
                dependsOn: ["pkg:deb/debian/libc6?arch=amd64&distro=debian-12"]),
            deb("libc6", "2.36-9+deb12u7", source: "glibc",
                licenses: ["LGPL-2.1-or-later", "GPL-2.0-or-later WITH GCC-exception-2.0"]),
            deb("libstdc++6", "12.2.0-14", source: "gcc-12", licenses: ["GPL-3.0-or-later WITH GCC-exception-3.1"],
                dependsOn: ["pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12"]),
            deb("libexample1", "1:2.3-4", source: "example", licenses: ["Custom License v2", "MIT"]),
            deb("openssl", "3.0.15-1~deb12u1", licenses: ["Apache-2.0"],
                dependsOn: ["pkg:deb/debian/libc6?arch=amd64&distro=debian-12"]),
            Package(name: "busybox-binsh", version: "1.36.1-r15", ecosystem: .apk,
                    purl: PURL(type: "apk", namespace: "alpine", name: "busybox-binsh", version: "1.36.1-r15",
                               qualifiers: ["arch": "x86_64", "distro": "3.19.1"]),
                    foundBy: "apk", sourceName: "busybox", architecture: "x86_64", licenses: ["GPL-2.0-only"],
                    location: .init(path: "lib/apk/db/installed", layerDigest: layer1, diffID: diff1)),
            Package(name: "Django", version: "4.2.7", ecosystem: .pypi,
                    purl: PURL(type: "pypi", name: "Django", version: "4.2.7"), foundBy: "python-dist",
                    licenses: ["bsd-3-clause"],
                    location: .init(path: "usr/lib/python3/dist-packages/Django-4.2.7.dist-info/METADATA",
                                    layerDigest: layer2, diffID: diff2)),
            Package(name: "zope.interface", version: "6.1", ecosystem: .pypi,
                    purl: PURL(type: "pypi", name: "zope.interface", version: "6.1"), foundBy: "python-dist",
                    licenses: ["ZPL 2.1"],
                    location: .init(path: "usr/lib/python3/dist-packages/zope.interface-6.1.dist-info/METADATA",
                                    layerDigest: layer2, diffID: diff2)),
            npm("@babel", "core", "7.23.0", path: "app/node_modules/@babel/core/package.json", licenses: ["MIT"],
                dependsOn: ["pkg:npm/debug@4.3.4"]),
            npm(nil, "debug", "4.3.4", path: "app/node_modules/debug/package.json", licenses: ["MIT"],
                dependsOn: ["pkg:npm/ms@2.1.2"]),
            npm(nil, "debug", "4.3.4", path: "app/node_modules/@babel/core/node_modules/debug/package.json",
                licenses: ["MIT"], dependsOn: ["pkg:npm/ms@2.1.2"]),
            npm(nil, "ms", "2.1.2", path: "app/node_modules/ms/package.json", licenses: ["MIT"]),
            npm(nil, "app", "1.0.0", path: "app/package.json", licenses: ["(MIT OR Apache-2.0)"],
                dependsOn: ["pkg:npm/%40babel/core@7.23.0", "pkg:npm/debug@4.3.4", "pkg:npm/left-pad@1.3.0"]),
            npm(nil, "typescript", "5.3.3", path: "app/node_modules/typescript/package.json",
                licenses: ["Apache-2.0"], dev: true),
            Package(name: "org.apache.logging.log4j:log4j-core", version: "2.17.1", ecosystem: .maven,
                    purl: PURL(type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-core",
                               version: "2.17.1"),
                    foundBy: "jar", licenses: ["Apache-2.0"],
                    location: .init(path: "app/lib/log4j-core-2.17.1.jar", layerDigest: layer3, diffID: diff3),
                    dependsOn: ["pkg:maven/org.apache.logging.log4j/log4j-api@2.17.1"]),
            Package(name: "org.apache.logging.log4j:log4j-api", version: "2.17.1", ecosystem: .maven,
                    purl: PURL(type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-api",
                               version: "2.17.1"),
                    foundBy: "jar", licenses: ["Apache-2.0"],
                    location: .init(path: "app/lib/log4j-api-2.17.1.jar", layerDigest: layer3, diffID: diff3)),
            Package(name: "github.com/spf13/cobra", version: "v1.8.0", ecosystem: .golang,
                    purl: PURL(type: "golang", namespace: "github.com/spf13", name: "cobra", version: "v1.8.0"),
                    foundBy: "gobinary",
                    location: .init(path: "usr/local/bin/app", layerDigest: layer3, diffID: diff3)),
        ]
    }

    static var report: Report {
        Report(
            artifact: .init(name: "example.com/team/app:1.0", kind: .containerImage, image: image),
            os: OperatingSystem(family: "debian", version: "12.7", prettyName: "Debian GNU/Linux 12 (bookworm)",
                                source: "etc/os-release"),
            packages: packages.sorted(),
            warnings: [
                ScanWarning(path: "app/node_modules/broken/package.json", reason: "malformed JSON at byte 17",
                            layer: layer3),
                ScanWarning(path: "usr/lib/python3/dist-packages/odd.egg-info/PKG-INFO", reason: "no Version field"),
            ],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            findings: findings)
    }

    static var findings: [Finding] {
        [
            Finding(kind: .secret, id: "github-pat", title: "GitHub personal access token", severity: .critical,
                    location: .init(path: "app/config/settings.yml", startLine: 12, layerDigest: layer3,
                                    createdBy: "COPY app /app"),
                    message: "A GitHub personal access token is stored in the image.", category: "GitHub",
                    match: "ghp_…(40 characters)"),
            Finding(kind: .misconfiguration, id: "KNS-PSS-007", title: "Container runs as privileged", severity: .high,
                    location: .init(path: "deploy/app.yaml", startLine: 21, endLine: 22, object: "Deployment/prod/app",
                                    fieldPath: "spec.template.spec.containers[0].securityContext.privileged"),
                    message: "privileged: true gives the container every capability of the host.",
                    category: "Pod Security Standards"),
            Finding(kind: .misconfiguration, id: "KNS-DF-001", title: "Image runs as root", severity: .medium,
                    location: .init(path: "Dockerfile"), message: "No USER instruction.",
                    suppression: .init(source: "ignorefile", reason: "base image for a build stage only")),
        ] + vulnerabilities
    }

    /// Vulnerability findings as the matcher makes them (IDs in the 2099 range: not real CVEs):
    /// a distro advisory keyed by the source package with EPSS and KEV, one without a fix and
    /// a CVSS v4 vector, a PyPI one with aliases, the same npm package in two directories, a Go
    /// module of unknown severity, and one suppressed by a VEX statement.
    static var vulnerabilities: [Finding] {
        func vuln(_ id: String, _ title: String, _ severity: Severity, _ package: Package, fixed: [String],
                  cvss: [Vulnerability.CVSS] = [], aliases: [String] = [], source: String, epss: Double? = nil,
                  kev: Bool = false, suppression: Finding.Suppression? = nil) -> Finding {
            let message = "\(package.name) \(package.version) is affected by \(id); "
                + (fixed.isEmpty ? "fix not available" : "fixed in " + fixed.joined(separator: ", "))
            return Finding(kind: .vulnerability, id: id, title: title, severity: severity,
                           location: .init(path: package.location.path, layerDigest: package.location.layerDigest),
                           message: message, suppression: suppression,
                           vulnerability: Vulnerability(
                            packageName: package.name, installedVersion: package.version, purl: package.purl,
                            fixedVersions: fixed, status: fixed.isEmpty ? .affected : .fixed, aliases: aliases,
                            advisoryIDs: [aliases.first { !$0.hasPrefix("CVE-") } ?? id],
                            cvss: cvss, severitySource: cvss.first?.type ?? (severity == .unknown ? nil : "database_specific"),
                            dataSource: source, references: ["https://example.com/advisories/\(id)"],
                            published: "2099-01-02T03:04:05Z", modified: "2099-02-03T04:05:06.789Z",
                            epss: epss, epssPercentile: epss.map { min(1, $0 + 0.01) }, knownExploited: kev))
        }
        let all = packages
        func named(_ name: String, path: String? = nil) -> Package {
            all.first { $0.name == name && (path == nil || $0.location.path == path) } ?? all[0]
        }
        return [
            vuln("CVE-2099-1001", "glibc: heap overflow in the resolver", .high, named("libc6"), fixed: ["2.36-9+deb12u8"],
                 cvss: [.init(type: "CVSS_V3", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", score: 7.5)],
                 aliases: ["DSA-9999-1"], source: "Debian:12", epss: 0.97531, kev: true),
            vuln("CVE-2099-1002", "openssl: timing side channel", .medium, named("openssl"), fixed: [],
                 cvss: [.init(type: "CVSS_V4", vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", score: 6.9)],
                 source: "Debian:12"),
            vuln("GHSA-2099-aaaa-bbbb", "Django: SQL injection in QuerySet.extra | raw", .high, named("Django"), fixed: ["4.2.8", "5.0.1"],
                 cvss: [.init(type: "CVSS_V3", vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", score: 8.8)],
                 aliases: ["CVE-2099-1003", "PYSEC-2099-1"], source: "PyPI", epss: 0.0004),
            vuln("CVE-2099-1004", "debug: ReDoS", .low, named("debug", path: "app/node_modules/debug/package.json"),
                 fixed: ["4.3.5"], source: "npm"),
            vuln("CVE-2099-1004", "debug: ReDoS", .low,
                 named("debug", path: "app/node_modules/@babel/core/node_modules/debug/package.json"), fixed: ["4.3.5"],
                 source: "npm"),
            vuln("GO-2099-0001", "cobra: unsafe completion script", .unknown, named("github.com/spf13/cobra"), fixed: [],
                 source: "Go"),
            vuln("CVE-2099-1005", "log4j-core: JNDI lookup", .critical, named("org.apache.logging.log4j:log4j-core"),
                 fixed: ["2.17.2"], cvss: [.init(type: "CVSS_V3", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", score: 10.0)],
                 source: "Maven", suppression: .init(source: "vex", reason: "vulnerable_code_not_present")),
        ]
    }

    static var image: ImageMetadata {
        ImageMetadata(
            imageID: "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
            manifestDigest: "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
            repoTags: ["example.com/team/app:1.0"], os: "linux", architecture: "amd64", user: "app",
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_ENV=production"],
            entrypoint: ["/usr/local/bin/app"], cmd: ["serve"], workingDir: "/app",
            exposedPorts: ["8080/tcp"], labels: ["org.opencontainers.image.source": "https://example.com/team/app"],
            layers: [
                .init(digest: layer1, diffID: diff1, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
                      size: 29_000_000, createdBy: "ADD rootfs.tar.xz /"),
                .init(digest: layer2, diffID: diff2, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
                      size: 5_000_000, createdBy: "RUN pip install django"),
                .init(digest: layer3, diffID: diff3, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
                      size: 12_000_000, createdBy: "COPY app /app"),
            ],
            history: [
                .init(created: "2023-11-01T00:00:00Z", createdBy: "ADD rootfs.tar.xz /"),
                .init(created: "2023-11-01T00:00:01Z", createdBy: "ENV NODE_ENV=production", emptyLayer: true),
                .init(created: "2023-11-01T00:00:02Z", createdBy: "RUN pip install django"),
                .init(created: "2023-11-01T00:00:03Z", createdBy: "COPY app /app"),
            ])
    }

    /// A directory scan with nothing in it: the writers' smallest valid output.
    static var empty: Report {
        Report(artifact: .init(name: "empty-dir", kind: .filesystem), os: nil, packages: [], warnings: [],
               createdAt: Date(timeIntervalSince1970: 0))
    }
}
