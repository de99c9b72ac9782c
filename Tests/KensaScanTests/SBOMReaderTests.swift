import Foundation
import KensaCore
import XCTest
@testable import KensaScan

/// The readers on real Trivy and Syft output of the fixture tree, against kensa's own
/// inventory of the same tree.
final class SBOMReaderTests: XCTestCase {
    private func rootfsInventory() throws -> Report {
        try scan(.rootfs(path: SBOMFixtures.rootfs), options: ScanOptions(scanners: []))
    }

    func testTrivyCycloneDX() throws {
        let inventory = try SBOMFixtures.read("trivy-0.76.cdx.json")
        XCTAssertEqual(inventory.format, .cycloneDX)
        XCTAssertEqual(inventory.os, OperatingSystem(family: "debian", version: "12.15"))
        XCTAssertEqual(inventory.kind, .rootfs)
        XCTAssertEqual(inventory.warnings, [])
        let bsdutils = try XCTUnwrap(inventory.packages.first { $0.name == "bsdutils" })
        // The purl has no epoch (Trivy keeps it in a qualifier); the version must.
        XCTAssertEqual(bsdutils.version, "1:2.38.1-5+deb12u3")
        XCTAssertEqual(bsdutils.sourceName, "util-linux")
        XCTAssertEqual(bsdutils.sourceVersion, "2.38.1-5+deb12u3")
        XCTAssertEqual(bsdutils.purl.description, "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12")
        XCTAssertEqual(bsdutils.architecture, "amd64")
        let zlib = try XCTUnwrap(inventory.packages.first { $0.name == "zlib1g" })
        XCTAssertEqual(zlib.sourceVersion, "1:1.2.13.dfsg-1", "SrcEpoch joins the source version")
        let lodash = try XCTUnwrap(inventory.packages.first { $0.name == "lodash" })
        XCTAssertEqual(lodash.location.path, "usr/lib/node_modules/lodash/package.json")
        XCTAssertEqual(lodash.licenses, ["MIT"])
        XCTAssertEqual(lodash.foundBy, "trivy:node-pkg")
        let libbz2 = try XCTUnwrap(inventory.packages.first { $0.name == "libbz2-1.0" })
        XCTAssertEqual(libbz2.dependsOn, ["pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12"])
        XCTAssertEqual(libbz2.location.path, SBOMFixtures.path("trivy-0.76.cdx.json"), "no file named: the SBOM itself")
    }

    func testTrivyAndSyftAgreeWithKensasOwnInventory() throws {
        let kensa = identities(try rootfsInventory().packages)
        XCTAssertEqual(kensa.count, 10, "\(kensa)")
        XCTAssertEqual(identities(try SBOMFixtures.read("trivy-0.76.cdx.json").packages), kensa)
        XCTAssertEqual(identities(try SBOMFixtures.read("trivy-0.76.spdx.json").packages), kensa)
        // Syft 1.18.1 does not catalog node_modules package.json files in a directory scan.
        let withoutNode = kensa.filter { $0.ecosystem != "npm" }
        XCTAssertEqual(identities(try SBOMFixtures.read("syft-1.18.1.cdx.json").packages), withoutNode)
        XCTAssertEqual(identities(try SBOMFixtures.read("syft-1.18.1.spdx.json").packages), withoutNode)
    }

    func testAlpineOriginsFromTrivyAndSyft() throws {
        let kensa = try scan(.rootfs(path: SBOMFixtures.path("alpine-rootfs")), options: ScanOptions(scanners: []))
        XCTAssertEqual(kensa.packages.first { $0.name == "libssl3" }?.sourceName, "openssl")
        for name in ["alpine-trivy-0.76.cdx.json", "alpine-trivy-0.76.spdx.json",
                     "alpine-syft-1.18.1.cdx.json", "alpine-syft-1.18.1.spdx.json"] {
            let inventory = try SBOMFixtures.read(name)
            XCTAssertEqual(identities(inventory.packages), identities(kensa.packages), name)
            XCTAssertEqual(inventory.os?.family, "alpine", name)
            XCTAssertEqual(inventory.os?.release, "3.19", name)
            XCTAssertEqual(inventory.warnings, [], name)
        }
    }

    func testTrivySPDX() throws {
        let inventory = try SBOMFixtures.read("trivy-0.76.spdx.json")
        XCTAssertEqual(inventory.format, .spdx)
        XCTAssertEqual(inventory.os?.family, "debian")
        XCTAssertEqual(inventory.os?.version, "12.15")
        XCTAssertEqual(inventory.warnings, [])
        let libbz2 = try XCTUnwrap(inventory.packages.first { $0.name == "libbz2-1.0" })
        XCTAssertEqual(libbz2.sourceName, "bzip2", "from sourceInfo 'built package from: bzip2 1.0.8-5'")
        XCTAssertEqual(libbz2.sourceVersion, "1.0.8-5")
        XCTAssertEqual(libbz2.foundBy, "trivy:debian", "from the PkgType annotation")
        let requests = try XCTUnwrap(inventory.packages.first { $0.name == "requests" })
        XCTAssertEqual(requests.location.path, "usr/lib/python3/dist-packages/requests-2.19.1.dist-info/METADATA",
                       "the file the package CONTAINS")
        XCTAssertEqual(requests.licenses, ["Apache-2.0"])
    }

    func testSyftSPDXWithoutAnOperatingSystemPackageTakesTheDistroQualifier() throws {
        let inventory = try SBOMFixtures.read("syft-1.18.1.spdx.json")
        XCTAssertEqual(inventory.os?.family, "debian")
        XCTAssertEqual(inventory.os?.version, "12")
        let bsdutils = try XCTUnwrap(inventory.packages.first { $0.name == "bsdutils" })
        XCTAssertEqual(bsdutils.sourceName, "util-linux", "from upstream=util-linux@2.38.1-5+deb12u3")
        XCTAssertEqual(bsdutils.sourceVersion, "2.38.1-5+deb12u3")
        XCTAssertEqual(bsdutils.location.path, "var/lib/dpkg/status", "from Syft's sourceInfo")
        let libc = try XCTUnwrap(inventory.packages.first { $0.name == "libc6" })
        XCTAssertEqual(libc.sourceName, "glibc", "upstream=glibc: the source has the binary's version")
        XCTAssertEqual(libc.sourceVersion, "2.36-9+deb12u14")
        let requests = try XCTUnwrap(inventory.packages.first { $0.name == "requests" })
        XCTAssertEqual(requests.licenses, ["Apache 2.0"], "a lone LicenseRef becomes its extracted text")
    }

    func testSyftCycloneDX() throws {
        let inventory = try SBOMFixtures.read("syft-1.18.1.cdx.json")
        XCTAssertEqual(inventory.os?.family, "debian")
        XCTAssertEqual(inventory.os?.version, "12")
        XCTAssertEqual(inventory.os?.prettyName, "Debian GNU/Linux 12 (bookworm)")
        let bsdutils = try XCTUnwrap(inventory.packages.first { $0.name == "bsdutils" })
        XCTAssertEqual(bsdutils.sourceName, "util-linux", "from syft:metadata:source")
        XCTAssertEqual(bsdutils.foundBy, "syft:dpkg-db-cataloger")
        XCTAssertEqual(bsdutils.location.path, "var/lib/dpkg/status")
        let libbz2 = try XCTUnwrap(inventory.packages.first { $0.name == "libbz2-1.0" })
        XCTAssertEqual(libbz2.dependsOn.count, 1)
        XCTAssertTrue(libbz2.dependsOn[0].hasPrefix("pkg:deb/debian/libc6@"), "\(libbz2.dependsOn)")
    }

    func testNestedComponentsAndMissingPURLs() throws {
        let inventory = try SBOMFixtures.parse("""
        {"bomFormat": "CycloneDX", "specVersion": "1.5",
         "metadata": {"component": {"type": "container", "name": "app:1"}},
         "components": [
          {"type": "application", "name": "app.jar", "components": [
            {"type": "library", "group": "org.apache.commons", "name": "commons-text", "version": "1.9",
             "purl": "pkg:maven/org.apache.commons/commons-text@1.9",
             "components": [{"type": "library", "name": "inner", "version": "2", "purl": "pkg:npm/%40scope/inner@2"}]},
            {"type": "library", "name": "vendored-thing", "version": "0.1"}
          ]},
          {"type": "library", "name": "blob", "version": "1", "purl": "pkg:generic/blob@1"},
          {"type": "file", "name": "README"},
          {"type": "container", "name": "base", "purl": "pkg:oci/base@sha256%3Aabc"}
         ]}
        """)
        XCTAssertEqual(inventory.kind, .containerImage)
        XCTAssertEqual(inventory.packages.map(\.name), ["org.apache.commons:commons-text", "@scope/inner"])
        XCTAssertEqual(inventory.warnings.map(\.reason), [
            "components[0].components[1] (vendored-thing 0.1): no package URL (purl); skipped",
            "components[1] (blob 1): purl type 'generic' is not a package ecosystem kensa knows; skipped",
        ])
    }

    func testManyComponentsWithoutPURLAreCountedNotListed() throws {
        let components = (0..<50).map { #"{"type": "library", "name": "p\#($0)", "version": "1"}"# }.joined(separator: ",")
        let inventory = try SBOMFixtures.parse(#"{"bomFormat": "CycloneDX", "components": [\#(components)]}"#)
        XCTAssertEqual(inventory.packages, [])
        XCTAssertEqual(inventory.warnings.count, SBOMReader.maxWarningsPerReason + 1)
        XCTAssertTrue(inventory.warnings.contains { $0.reason == "30 more elements: no package URL (purl); skipped" },
                      "\(inventory.warnings)")
    }

    func testOSPackagesWithoutAnyOSAreKeptWithAWarning() throws {
        let inventory = try SBOMFixtures.parse("""
        {"bomFormat": "CycloneDX", "components": [
          {"type": "library", "name": "zlib1g", "version": "1:1.2.13.dfsg-1", "purl": "pkg:deb/debian/zlib1g@1.2.13.dfsg-1?epoch=1"}]}
        """)
        XCTAssertNil(inventory.os)
        XCTAssertEqual(inventory.packages.map(\.version), ["1:1.2.13.dfsg-1"])
        XCTAssertEqual(inventory.warnings.count, 1)
        XCTAssertTrue(inventory.warnings[0].reason.contains("no operating system named"), "\(inventory.warnings)")
    }

    func testTheDescribedSPDXSubjectIsNotAPackage() throws {
        // Syft's image SPDX describes the image as a CONTAINER package with a pkg:oci purl.
        let inventory = try SBOMFixtures.parse("""
        {"spdxVersion": "SPDX-2.3", "packages": [
          {"SPDXID": "SPDXRef-Image", "name": "app.tar", "primaryPackagePurpose": "CONTAINER",
           "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:oci/app@sha256%3Aabc"}]},
          {"SPDXID": "SPDXRef-P", "name": "six", "versionInfo": "1.16.0",
           "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:pypi/six@1.16.0"}]}],
         "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                            "relatedSpdxElement": "SPDXRef-Image"}]}
        """)
        XCTAssertEqual(inventory.kind, .containerImage)
        XCTAssertEqual(inventory.packages.map(\.name), ["six"])
        XCTAssertEqual(inventory.warnings, [])
    }

    func testTrivyOSFamiliesBecomeOSReleaseIDs() throws {
        let inventory = try SBOMFixtures.parse("""
        {"spdxVersion": "SPDX-2.3", "packages": [
          {"SPDXID": "SPDXRef-OS", "name": "redhat", "versionInfo": "9.3", "primaryPackagePurpose": "OPERATING-SYSTEM"},
          {"SPDXID": "SPDXRef-P", "name": "bash", "versionInfo": "5.1.8-6.el9",
           "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                             "referenceLocator": "pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&epoch=1"}]}]}
        """)
        XCTAssertEqual(inventory.os?.family, "rhel")
        XCTAssertEqual(inventory.packages.first?.version, "1:5.1.8-6.el9")
        XCTAssertEqual(inventory.packages.first?.purl.qualifiers["distro"], "rhel-9")
        XCTAssertEqual(SBOMOperatingSystem.fromDistroQualifier("opensuse-leap-15.5"),
                       OperatingSystem(family: "opensuse-leap", version: "15.5"))
        XCTAssertEqual(SBOMOperatingSystem.fromDistroQualifier("alpine-3.19.1"), OperatingSystem(family: "alpine", version: "3.19.1"))
        XCTAssertNil(SBOMOperatingSystem.fromDistroQualifier("bookworm"))
    }
}
