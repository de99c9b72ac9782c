import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class SBOMGraphTests: XCTestCase {
    func npm(_ name: String, _ version: String, _ path: String, _ deps: [String] = []) -> Package {
        Package(name: name, version: version, ecosystem: .npm, purl: PURL(type: "npm", name: name, version: version),
                foundBy: "test", location: .init(path: path), dependsOn: deps)
    }

    func report(_ packages: [Package], os: OperatingSystem? = nil) -> Report {
        Report(artifact: .init(name: "t", kind: .filesystem), os: os, packages: packages, warnings: [],
               createdAt: Date(timeIntervalSince1970: 0))
    }

    func testSharedPurlsGetDistinctRefs() {
        let graph = SBOMGraph(report([
            npm("a", "1.0.0", "x/node_modules/a/package.json"),
            npm("a", "1.0.0", "y/node_modules/a/package.json"),
            npm("a", "1.0.0", "y/node_modules/a/package.json"),
            npm("b", "1.0.0", "b/package.json"),
        ]))
        XCTAssertEqual(graph.nodes.map(\.ref), [
            "pkg:npm/a@1.0.0#x/node_modules/a/package.json",
            "pkg:npm/a@1.0.0#y/node_modules/a/package.json",
            "pkg:npm/a@1.0.0#y/node_modules/a/package.json#2",
            "pkg:npm/b@1.0.0",
        ])
    }

    func testNearestCopyWins() {
        let graph = SBOMGraph(report([
            npm("app", "1.0.0", "app/package.json", ["pkg:npm/dep@1.0.0"]),
            npm("lib", "1.0.0", "app/node_modules/lib/package.json", ["pkg:npm/dep@1.0.0"]),
            npm("dep", "1.0.0", "app/node_modules/lib/node_modules/dep/package.json"),
            npm("dep", "1.0.0", "app/node_modules/dep/package.json"),
        ]))
        XCTAssertEqual(graph.dependencies["pkg:npm/app@1.0.0"], ["pkg:npm/dep@1.0.0#app/node_modules/dep/package.json"])
        XCTAssertEqual(graph.dependencies["pkg:npm/lib@1.0.0"],
                       ["pkg:npm/dep@1.0.0#app/node_modules/lib/node_modules/dep/package.json"])
    }

    func testLooseMatchesUnresolvedAndSelfEdges() {
        let graph = SBOMGraph(report([
            npm("a", "1.0.0", "p", ["pkg:npm/b", "pkg:npm/missing@1.0.0", "pkg:npm/a@1.0.0", "not a purl", "pkg:npm/b@1.0.0"]),
            npm("b", "1.0.0", "p"),
        ]))
        XCTAssertEqual(graph.dependencies["pkg:npm/a@1.0.0"], ["pkg:npm/b@1.0.0"])
        XCTAssertEqual(graph.topLevel, ["pkg:npm/a@1.0.0"])
    }

    func testDependencyWithoutTheDistroQualifierStillResolves() {
        func deb(_ name: String, _ deps: [String] = []) -> Package {
            Package(name: name, version: "1.0-1", ecosystem: .deb,
                    purl: PURL(type: "deb", namespace: "debian", name: name, version: "1.0-1",
                               qualifiers: ["arch": "amd64", "distro": "debian-12"]),
                    foundBy: "dpkg", location: .init(path: "var/lib/dpkg/status"), dependsOn: deps)
        }
        let graph = SBOMGraph(report([deb("bash", ["pkg:deb/debian/libc6@1.0-1?arch=amd64"]), deb("libc6")]))
        XCTAssertEqual(graph.dependencies["pkg:deb/debian/bash@1.0-1?arch=amd64&distro=debian-12"],
                       ["pkg:deb/debian/libc6@1.0-1?arch=amd64&distro=debian-12"])
    }

    func testCyclesStayReachableFromTheArtifact() {
        let graph = SBOMGraph(report([
            npm("a", "1.0.0", "p", ["pkg:npm/b@1.0.0"]),
            npm("b", "1.0.0", "p", ["pkg:npm/a@1.0.0"]),
            npm("c", "1.0.0", "p"),
        ]))
        XCTAssertEqual(graph.topLevel, ["pkg:npm/c@1.0.0", "pkg:npm/a@1.0.0"])
    }

    func testOSPackagesHangFromTheOSOnlyWhenThereIsOne() {
        let deb = Package(name: "zlib1g", version: "1", ecosystem: .deb,
                          purl: PURL(type: "deb", namespace: "debian", name: "zlib1g", version: "1"),
                          foundBy: "dpkg", location: .init(path: "var/lib/dpkg/status"))
        let withOS = SBOMGraph(report([deb], os: OperatingSystem(family: "debian", version: "12")))
        XCTAssertEqual(withOS.osPackages, [deb.purl.description])
        XCTAssertEqual(withOS.topLevel, [])
        let withoutOS = SBOMGraph(report([deb]))
        XCTAssertEqual(withoutOS.osPackages, [])
        XCTAssertEqual(withoutOS.topLevel, [deb.purl.description])
    }

    func testLongChain() {
        // 20,000 packages in one chain: no recursion to overflow, every edge resolved.
        let packages = (0..<20_000).map { index in
            npm("p\(index)", "1.0.0", "lock", index + 1 < 20_000 ? ["pkg:npm/p\(index + 1)@1.0.0"] : [])
        }
        let graph = SBOMGraph(report(packages))
        XCTAssertEqual(graph.topLevel, ["pkg:npm/p0@1.0.0"])
        XCTAssertEqual(graph.dependencies.values.map(\.count).reduce(0, +), 19_999)
    }
}
