import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct ComposerLockAnalyzerTests {
    let analyzer = ComposerLockAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "site/composer.lock", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "site/vendor/a/b/composer.lock", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "site/composer.json", size: 10, mode: 0o644))
    }

    @Test func packagesAndDevPackages() throws {
        let output = try analyzer.analyze(Fixtures.input("composer/composer.lock", as: "site/composer.lock"))
        #expect(golden(output) == [
            "guzzlehttp/guzzle 7.8.1 pkg:composer/guzzlehttp/guzzle@7.8.1 -> pkg:composer/guzzlehttp/promises@2.0.2, pkg:composer/guzzlehttp/psr7@2.6.2, pkg:composer/psr/http-client@1.0.3",
            "guzzlehttp/promises 2.0.2 pkg:composer/guzzlehttp/promises@2.0.2",
            "guzzlehttp/psr7 2.6.2 pkg:composer/guzzlehttp/psr7@2.6.2 -> pkg:composer/psr/http-message@2.0",
            "phpunit/phpunit 10.5.3 pkg:composer/phpunit/phpunit@10.5.3 dev -> pkg:composer/sebastian/diff@5.1.0",
            "psr/http-client 1.0.3 pkg:composer/psr/http-client@1.0.3 -> pkg:composer/psr/http-message@2.0",
            "psr/http-message 2.0 pkg:composer/psr/http-message@2.0",
            "sebastian/diff 5.1.0 pkg:composer/sebastian/diff@5.1.0 dev",
            "symfony/console v6.4.1 pkg:composer/symfony/console@v6.4.1 -> pkg:composer/symfony/polyfill-mbstring@v1.28.0",
            "symfony/polyfill-mbstring v1.28.0 pkg:composer/symfony/polyfill-mbstring@v1.28.0",
        ])
        #expect(output.packages.first { $0.name == "guzzlehttp/guzzle" }?.licenses == ["MIT"])
        #expect(output.packages.first { $0.name == "sebastian/diff" }?.licenses == ["BSD-3-Clause"])
        expectProvenance(output, path: "site/composer.lock", foundBy: "composer-lock", ecosystem: .composer)
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("composer/composer.lock"))
        expectRefusal(analyzer, Hostile.truncated(fixture), path: "composer.lock")
        expectRefusal(analyzer, Data("{\"_readme\":[]}".utf8), path: "composer.lock")
        #expect(expectRefusal(analyzer, Hostile.deepJSON(100_000), path: "composer.lock")?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "{\"packages\":[{\"name\":\""), path: "composer.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "composer.lock")?.kind == .limitExceeded)
    }
}
