import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct RubyGemspecTests {
    let analyzer = RubyGemspecAnalyzer()

    @Test func installedSpecifications() throws {
        let path = "usr/local/lib/ruby/gems/3.2.0/specifications/rake-13.0.6.gemspec"
        let rake = try analyzer.run(InstalledFixtures.input("ruby/rake-13.0.6.gemspec", at: path))
        #expect(rake.packages == [Package(name: "rake", version: "13.0.6", ecosystem: .gem,
                                          purl: PURL(type: "gem", name: "rake", version: "13.0.6"),
                                          foundBy: "gemspec", licenses: ["MIT"], location: .init(path: path))])
        let json = try analyzer.run(InstalledFixtures.input("ruby/json-1.8.6.gemspec", at: "gems/specifications/json-1.8.6.gemspec"))
        #expect(json.packages.map(\.purl.description) == ["pkg:gem/json@1.8.6"])
        #expect(json.packages.first?.licenses == ["Ruby"])
        #expect(!analyzer.wants(path: "src/app/myapp.gemspec", size: 1, mode: 0o644))
        #expect(analyzer.wants(path: "specifications/x-1.gemspec", size: 1, mode: 0o644))
    }

    @Test func stubLineIsTheFallback() throws {
        let out = try analyzer.run("specifications/x.gemspec", "# stub: nokogiri 1.16.0 x86_64-linux lib\nGem::Specification.new do |s|\n  s.name = name_from_elsewhere\nend\n")
        #expect(out.packages.map(\.version) == ["1.16.0"])
        #expect(out.packages.map(\.name) == ["nokogiri"])
    }

    @Test func hostileGemspecs() {
        let path = "specifications/x.gemspec"
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(30_000))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "  s.name = \"unterminated\n  s.version = \"1") } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "s.name = \"x\"\ns.version = \"" + String(repeating: "9", count: 17 << 20)) } == .limitExceeded)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "system('rm -rf /')\n") } == .malformed)
    }
}

@Suite struct NodePackageTests {
    let analyzer = NodePackageAnalyzer()

    @Test func wantsOnlyPackageRoots() {
        for path in ["app/node_modules/lodash/package.json", "node_modules/@babel/core/package.json",
                     "app/node_modules/a/node_modules/b/package.json",
                     "app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json"] {
            #expect(analyzer.wants(path: path, size: 1, mode: 0o644), "\(path)")
        }
        for path in ["app/package.json", "app/node_modules/glob/dist/esm/package.json", "node_modules/@scope/package.json",
                     "app/node_modules/.package-lock.json", "app/my_node_modules/x/package.json",
                     "node_modules/.bin/package.json"] {
            #expect(!analyzer.wants(path: path, size: 1, mode: 0o644), "\(path)")
        }
    }

    @Test func realPackageJSONs() throws {
        let util = try analyzer.run(InstalledFixtures.input("node/util-deprecate-package.json",
                                                            at: "usr/lib/node_modules/npm/node_modules/util-deprecate/package.json"))
        #expect(util.packages.map(\.purl.description) == ["pkg:npm/util-deprecate@1.0.2"])
        #expect(util.packages.first?.licenses == ["MIT"])
        let arborist = try analyzer.run(InstalledFixtures.input("node/npmcli-arborist-package.json",
                                                                at: "usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json"))
        #expect(arborist.packages.map(\.name) == ["@npmcli/arborist"])
        #expect(arborist.packages.map(\.purl.description) == ["pkg:npm/%40npmcli/arborist@7.5.4"])
        #expect(arborist.packages.first?.licenses == ["ISC"])
        // A package.json without name and version is not a package.
        let esm = try analyzer.analyze(InstalledFixtures.input("node/glob-dist-esm-package.json", at: "node_modules/x/package.json"))
        #expect(esm == .empty)
    }

    @Test func legacyLicenceShapes() throws {
        let a = try analyzer.run("node_modules/a/package.json", #"{"name":"a","version":"1.0.0","license":{"type":"BSD"}}"#)
        #expect(a.packages.first?.licenses == ["BSD"])
        let b = try analyzer.run("node_modules/b/package.json", #"{"name":"b","version":"1.0.0","licenses":[{"type":"MIT"},"Apache-2.0"]}"#)
        #expect(b.packages.first?.licenses == ["MIT", "Apache-2.0"])
    }

    @Test func hostileJSON() {
        let path = "node_modules/x/package.json"
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(10_000))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, #"{"name": "x", "version": "1"#) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "[1, 2]") } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, String(repeating: "[", count: 100_000)) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "\"" + String(repeating: "a", count: 17 << 20) + "\"") } == .limitExceeded)
    }
}

@Suite struct ComposerInstalledTests {
    let analyzer = ComposerInstalledAnalyzer()

    @Test func composer2() throws {
        let path = "var/www/vendor/composer/installed.json"
        let out = try analyzer.run(InstalledFixtures.input("php/installed-v2.json", at: path))
        #expect(out.packages.map(\.purl.description) == ["pkg:composer/monolog/monolog@2.9.2",
                                                         "pkg:composer/phpunit/phpunit@10.5.9",
                                                         "pkg:composer/psr/log@3.0.0"])
        #expect(out.packages.map(\.isDev) == [false, true, false])
        #expect(out.packages.first?.licenses == ["MIT"])
        #expect(out.packages.first?.name == "monolog/monolog")
    }

    @Test func composer1() throws {
        let out = try analyzer.run(InstalledFixtures.input("php/installed-v1.json", at: "vendor/composer/installed.json"))
        #expect(out.packages.map(\.purl.description) == ["pkg:composer/guzzlehttp/guzzle@6.5.5",
                                                         "pkg:composer/symfony/polyfill-mbstring@v1.17.0"])
        #expect(out.packages.map(\.licenses) == [["MIT"], ["MIT"]])
    }

    @Test func hostile() throws {
        let path = "vendor/composer/installed.json"
        #expect(kensaErrorKind { _ = try analyzer.run(path, #"{"packages": 7}"#) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(5000))) } == .malformed)
        let partial = try analyzer.run(path, #"[{"name": "a/b", "version": "1"}, {"name": "c/d"}, 42]"#)
        #expect(partial.packages.count == 1)
        #expect(partial.warnings.count == 2)
    }
}

@Suite struct DotnetDepsTests {
    let analyzer = DotnetDepsAnalyzer()

    @Test func publishedApplication() throws {
        let path = "app/OrdersApi.deps.json"
        let out = try analyzer.run(InstalledFixtures.input("dotnet/OrdersApi.deps.json", at: path))
        #expect(out.packages.map(\.purl.description) == [
            "pkg:nuget/Newtonsoft.Json@13.0.1",
            "pkg:nuget/Serilog@3.1.1",
            "pkg:nuget/System.Diagnostics.DiagnosticSource@7.0.2",
        ])
        #expect(out.packages[1].dependsOn == ["pkg:nuget/System.Diagnostics.DiagnosticSource@7.0.2"])
        // An edge to a package missing from `libraries` is dropped.
        #expect(out.packages[2].dependsOn == [])
        #expect(out.packages.allSatisfy { $0.location.path == path && $0.ecosystem == .nuget })
    }

    @Test func hostile() {
        let path = "app/x.deps.json"
        #expect(kensaErrorKind { _ = try analyzer.run(path, #"{"targets": {}}"#) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "[]") } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(5000))) } == .malformed)
        #expect((try? analyzer.run(path, #"{"libraries": {"/": {"type": "package"}, "NoSlash": {"type": "package"}}}"#))?.packages == [])
    }
}
