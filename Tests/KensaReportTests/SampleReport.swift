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
                foundBy: "node-package", licenses: licenses,
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
                    foundBy: "java-archive", licenses: ["Apache-2.0"],
                    location: .init(path: "app/lib/log4j-core-2.17.1.jar", layerDigest: layer3, diffID: diff3),
                    dependsOn: ["pkg:maven/org.apache.logging.log4j/log4j-api@2.17.1"]),
            Package(name: "org.apache.logging.log4j:log4j-api", version: "2.17.1", ecosystem: .maven,
                    purl: PURL(type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-api",
                               version: "2.17.1"),
                    foundBy: "java-archive", licenses: ["Apache-2.0"],
                    location: .init(path: "app/lib/log4j-api-2.17.1.jar", layerDigest: layer3, diffID: diff3)),
            Package(name: "github.com/spf13/cobra", version: "v1.8.0", ecosystem: .golang,
                    purl: PURL(type: "golang", namespace: "github.com/spf13", name: "cobra", version: "v1.8.0"),
                    foundBy: "go-binary",
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
