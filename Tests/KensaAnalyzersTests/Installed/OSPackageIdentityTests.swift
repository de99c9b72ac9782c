import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct OSPackageIdentityTests {
    @Test func debPurlsGetTheirDistroAndDependenciesFollow() throws {
        let dpkg = try DpkgStatusAnalyzer().run(InstalledFixtures.input("dpkg/status", at: "var/lib/dpkg/status"))
        let os = OperatingSystem(family: "debian", version: "12.7")
        let packages = assignOperatingSystem(os, to: dpkg.packages)
        let bash = try #require(packages.first { $0.name == "bash" })
        #expect(bash.purl.description == "pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64&distro=debian-12")
        #expect(bash.dependsOn.contains("pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12"))
        // Every edge still points at a package of the list.
        let all = Set(packages.map(\.purl.description))
        #expect(packages.allSatisfy { $0.dependsOn.allSatisfy(all.contains) })

        let ubuntu = assignOperatingSystem(OperatingSystem(family: "ubuntu", version: "22.04"), to: dpkg.packages)
        #expect(ubuntu.first { $0.name == "bash" }?.purl.description == "pkg:deb/ubuntu/bash@5.2.15-2%2Bb8?arch=amd64&distro=ubuntu-22.04")
    }

    @Test func apkRpmAndLanguagePackages() throws {
        let apk = try ApkInstalledAnalyzer().run(InstalledFixtures.input("apk/installed", at: "lib/apk/db/installed"))
        let wolfi = assignOperatingSystem(OperatingSystem(family: "wolfi", version: "20230201"), to: apk.packages)
        #expect(wolfi.first { $0.name == "musl" }?.purl.description == "pkg:apk/wolfi/musl@1.2.4_git20230717-r4?arch=x86_64&distro=wolfi-20230201")
        let rpm = try RpmDatabaseAnalyzer().run(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "var/lib/rpm/rpmdb.sqlite"))
        let rhel = assignOperatingSystem(OperatingSystem(family: "rhel", version: "9.3"), to: rpm.packages)
        #expect(rhel.map(\.purl.description) == ["pkg:rpm/redhat/kensa-hello@1.2.3-4.el9?arch=x86_64&distro=rhel-9&epoch=2",
                                                 "pkg:rpm/redhat/kensa-lib@0.9-1?arch=noarch&distro=rhel-9"])
        #expect(rhel[1].dependsOn == [rhel[0].purl.description])
        let rocky = assignOperatingSystem(OperatingSystem(family: "rocky", version: "9.3"), to: rpm.packages)
        #expect(rocky[0].purl.namespace == "rocky")
        let python = Package(name: "attrs", version: "1", ecosystem: .pypi, purl: PURL(type: "pypi", name: "attrs", version: "1"),
                             foundBy: "python-dist", location: .init(path: "x"))
        #expect(assignOperatingSystem(OperatingSystem(family: "debian", version: "12"), to: [python]) == [python])
    }

    @Test func mergedUsrOwnership() throws {
        let lists = try DpkgFileListAnalyzer().run(InstalledFixtures.input("dpkg/bash.list", at: "var/lib/dpkg/info/bash.list"))
        let owned = OwnedFiles(lists.ownedFiles)
        #expect(owned.contains(relativePath: "bin/bash"))
        #expect(owned.contains(relativePath: "usr/bin/bash"))
        #expect(owned.contains(relativePath: "usr/share/doc/bash/copyright"))
        #expect(!owned.contains(relativePath: "usr/local/bin/bash"))
        let rpmStyle = OwnedFiles(["/usr/lib64/libssl.so.3"])
        #expect(rpmStyle.contains(relativePath: "lib64/libssl.so.3"))
        #expect(!rpmStyle.contains(relativePath: "usr/share/lib64/x"))
    }
}
