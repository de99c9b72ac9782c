import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct SwiftResolvedAnalyzerTests {
    let analyzer = SwiftResolvedAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "App/Package.resolved", size: 10, mode: 0o644))
        #expect(analyzer.wants(path: "App.xcworkspace/xcshareddata/swiftpm/Package.resolved", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "App/.build/checkouts/x/Package.resolved", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "App/Package.swift", size: 10, mode: 0o644))
    }

    @Test func version3() throws {
        let output = try analyzer.analyze(Fixtures.input("swift/Package.resolved", as: "App/Package.resolved"))
        #expect(golden(output) == [
            "github.com/apple/swift-argument-parser 1.3.0 pkg:swift/github.com/apple/swift-argument-parser@1.3.0",
            "github.com/apple/swift-format 3191b8f3109730af449c6332d0b1ca6653b857a0 pkg:swift/github.com/apple/swift-format@3191b8f3109730af449c6332d0b1ca6653b857a0",
            "github.com/apple/swift-nio 2.62.0 pkg:swift/github.com/apple/swift-nio@2.62.0",
            "github.com/jpsim/Yams 5.0.6 pkg:swift/github.com/jpsim/Yams@5.0.6",
            "mona/linkedlist 1.1.0 pkg:swift/mona/linkedlist@1.1.0",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "App/Package.resolved", foundBy: "swift-resolved", ecosystem: .swift)
    }

    @Test func version1() throws {
        let output = try analyzer.analyze(Fixtures.input("swift/Package-v1.resolved", as: "Package.resolved"))
        #expect(golden(output) == [
            "github.com/Alamofire/Alamofire 5.4.3 pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
            "github.com/SnapKit/SnapKit 5.0.1 pkg:swift/github.com/SnapKit/SnapKit@5.0.1",
        ])
    }

    @Test func repositoryLocations() {
        #expect(analyzer.repositoryName("ssh://git@GitHub.com:22/apple/swift-nio/") == "github.com/apple/swift-nio")
        #expect(analyzer.repositoryName("https://gitlab.example.com/group/sub/lib.git") == "gitlab.example.com/group/sub/lib")
        #expect(analyzer.repositoryName("not a url") == nil)
        #expect(analyzer.repositoryName("https://host-only") == nil)
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("swift/Package.resolved"))
        expectRefusal(analyzer, Hostile.truncated(fixture), path: "Package.resolved")
        expectRefusal(analyzer, Data("{\"version\":2}".utf8), path: "Package.resolved")
        #expect(expectRefusal(analyzer, Hostile.deepJSON(100_000), path: "Package.resolved")?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "{\"pins\":[{\"location\":\""), path: "Package.resolved")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "Package.resolved")?.kind == .limitExceeded)
    }
}
