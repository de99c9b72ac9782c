import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct GemfileLockAnalyzerTests {
    let analyzer = GemfileLockAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "app/Gemfile.lock", size: 10, mode: 0o644))
        #expect(analyzer.wants(path: "gems.locked", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "app/Gemfile", size: 10, mode: 0o644))
    }

    @Test func specsPlatformsAndSources() throws {
        let output = try analyzer.analyze(Fixtures.input("ruby/Gemfile.lock", as: "app/Gemfile.lock"))
        #expect(golden(output) == [
            "bcrypt 3.1.20 pkg:gem/bcrypt@3.1.20",
            "devise 4.9.3 pkg:gem/devise@4.9.3 -> pkg:gem/bcrypt@3.1.20, pkg:gem/railties@7.0.8",
            "mini_portile2 2.8.5 pkg:gem/mini_portile2@2.8.5",
            "nokogiri 1.15.5 pkg:gem/nokogiri@1.15.5 -> pkg:gem/mini_portile2@2.8.5, pkg:gem/racc@1.7.3",
            "pg 1.5.4 pkg:gem/pg@1.5.4",
            "racc 1.7.3 pkg:gem/racc@1.7.3",
            "rack 2.2.8 pkg:gem/rack@2.2.8",
            "railties 7.0.8 pkg:gem/railties@7.0.8 -> pkg:gem/rack@2.2.8, pkg:gem/thor@1.3.0",
            "sqlite3 1.6.9 pkg:gem/sqlite3@1.6.9?platform=x86_64-linux",
            "thor 1.3.0 pkg:gem/thor@1.3.0",
        ])
        expectProvenance(output, path: "app/Gemfile.lock", foundBy: "gemfile-lock", ecosystem: .gem)
    }

    @Test func prereleaseVersionIsNotAPlatform() throws {
        let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.0.rc1)\n    weird (1.0.0-beta)\n\nDEPENDENCIES\n  rails\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "Gemfile.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["rails 7.1.0.rc1 pkg:gem/rails@7.1.0.rc1", "weird 1.0.0-beta pkg:gem/weird@1.0.0-beta"])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("ruby/Gemfile.lock"))
        let cut = fixture.prefix(through: try #require(fixture.firstRange(of: Data("    racc (1.7".utf8))).upperBound - 1)
        expectRefusal(analyzer, Data(cut), path: "Gemfile.lock")
        expectRefusal(analyzer, Data("GEM\n  specs:\n      orphan (1.0)\n".utf8), path: "Gemfile.lock")
        expectRefusal(analyzer, Data("GEM\n  specs:\n    a (1.0)\n         deeper\n".utf8), path: "Gemfile.lock")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "GEM\n  specs:\n    a ("), path: "Gemfile.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "Gemfile.lock")?.kind == .limitExceeded)
    }

    @Test func tenMegabyteLineOutsideSpecsIsIgnored() throws {
        let text = "GEM\n  specs:\n    a (1.0)\n\n" + String(repeating: "X", count: 10 << 20) + "\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "Gemfile.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["a 1.0 pkg:gem/a@1.0"])
    }
}
