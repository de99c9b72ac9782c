import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct GoModAnalyzerTests {
    let analyzer = GoModAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "svc/go.mod", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "svc/go.sum", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "svc/vendor/github.com/x/y/go.mod", size: 10, mode: 0o644))
    }

    @Test func requiresAfterReplacements() throws {
        let output = try analyzer.analyze(Fixtures.input("go/go.mod", as: "svc/go.mod"))
        #expect(golden(output) == [
            "github.com/beorn7/perks v1.0.1 pkg:golang/github.com/beorn7/perks@v1.0.1",
            "github.com/cespare/xxhash/v2 v2.2.0 pkg:golang/github.com/cespare/xxhash/v2@v2.2.0",
            "github.com/docker/docker v24.0.7+incompatible pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible",
            "github.com/go-chi/chi/v5 v5.0.11 pkg:golang/github.com/go-chi/chi/v5@v5.0.11",
            "github.com/golang/protobuf v1.5.4 pkg:golang/github.com/golang/protobuf@v1.5.4",
            "github.com/jackc/pgpassfile v1.0.0 pkg:golang/github.com/jackc/pgpassfile@v1.0.0",
            "github.com/jackc/pgservicefile v0.0.0-20221227161230-091c0ba34f0a pkg:golang/github.com/jackc/pgservicefile@v0.0.0-20221227161230-091c0ba34f0a",
            "github.com/jackc/pgx/v5 v5.5.1 pkg:golang/github.com/jackc/pgx/v5@v5.5.1",
            "github.com/new/logging v1.3.1 pkg:golang/github.com/new/logging@v1.3.1",
            "github.com/prometheus/client_golang v1.17.0 pkg:golang/github.com/prometheus/client_golang@v1.17.0",
            "github.com/quoted/module v1.0.0 pkg:golang/github.com/quoted/module@v1.0.0",
            "golang.org/x/crypto v0.17.0 pkg:golang/golang.org/x/crypto@v0.17.0",
            "golang.org/x/text v0.14.0 pkg:golang/golang.org/x/text@v0.14.0",
            "gopkg.in/yaml.v3 v3.0.1 pkg:golang/gopkg.in/yaml.v3@v3.0.1",
        ])
        expectProvenance(output, path: "svc/go.mod", foundBy: "gomod", ecosystem: .golang)
    }

    @Test func moduleWithoutRequirements() throws {
        let output = try analyzer.analyze(AnalyzerInput(path: "go.mod", content: Data("module example.com/hello\n\ngo 1.22\n".utf8)))
        #expect(output.packages.isEmpty)
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("go/go.mod"))
        // Cut inside the first require block: the block never closes.
        expectRefusal(analyzer, Hostile.truncated(fixture, fraction: 0.3), path: "go.mod")
        expectRefusal(analyzer, Data("require x v1\n".utf8), path: "go.mod")
        expectRefusal(analyzer, Data("module a\nrequire x\n".utf8), path: "go.mod")
        expectRefusal(analyzer, Data("module a\nreplace x y\n".utf8), path: "go.mod")
        expectRefusal(analyzer, Data("module \"a\nrequire x v1\n".utf8), path: "go.mod")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "module a\nrequire ("), path: "go.mod")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "go.mod")?.kind == .limitExceeded)
    }

    @Test func tenMegabyteLineIsLinear() throws {
        let text = "module a\nrequire example.com/" + String(repeating: "x", count: 10 << 20) + " v1.0.0\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "go.mod", content: Data(text.utf8)))
        #expect(output.packages.count == 1)
    }
}
