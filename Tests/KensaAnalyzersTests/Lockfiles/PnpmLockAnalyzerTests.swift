import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct PnpmLockAnalyzerTests {
    let analyzer = PnpmLockAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "repo/pnpm-lock.yaml", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "repo/node_modules/.pnpm/x/pnpm-lock.yaml", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "repo/pnpm-workspace.yaml", size: 10, mode: 0o644))
    }

    @Test func version5() throws {
        let output = try analyzer.analyze(Fixtures.input("pnpm/pnpm-lock-v5.yaml", as: "pnpm-lock.yaml"))
        #expect(golden(output) == [
            "@types/prop-types 15.7.5 pkg:npm/%40types/prop-types@15.7.5 dev",
            "@types/react 18.0.28 pkg:npm/%40types/react@18.0.28 dev -> pkg:npm/%40types/prop-types@15.7.5, pkg:npm/csstype@3.1.1",
            "csstype 3.1.1 pkg:npm/csstype@3.1.1 dev",
            "js-tokens 4.0.0 pkg:npm/js-tokens@4.0.0",
            "loose-envify 1.4.0 pkg:npm/loose-envify@1.4.0 -> pkg:npm/js-tokens@4.0.0",
            "react 18.2.0 pkg:npm/react@18.2.0 -> pkg:npm/loose-envify@1.4.0",
            "react-dom 18.2.0 pkg:npm/react-dom@18.2.0 -> pkg:npm/loose-envify@1.4.0, pkg:npm/react@18.2.0, pkg:npm/scheduler@0.23.0",
            "scheduler 0.23.0 pkg:npm/scheduler@0.23.0 -> pkg:npm/loose-envify@1.4.0",
            "typescript 4.9.5 pkg:npm/typescript@4.9.5 dev",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "pnpm-lock.yaml", foundBy: "pnpm-lock", ecosystem: .npm)
    }

    @Test func version6Workspace() throws {
        let output = try analyzer.analyze(Fixtures.input("pnpm/pnpm-lock-v6.yaml", as: "mono/pnpm-lock.yaml"))
        #expect(golden(output) == [
            "@fastify/error 3.4.1 pkg:npm/%40fastify/error@3.4.1",
            "cookie 0.5.0 pkg:npm/cookie@0.5.0",
            "fastify 4.24.3 pkg:npm/fastify@4.24.3 -> pkg:npm/%40fastify/error@3.4.1, pkg:npm/light-my-request@5.11.0",
            "light-my-request 5.11.0 pkg:npm/light-my-request@5.11.0 -> pkg:npm/cookie@0.5.0",
            "vite-node 0.34.6 pkg:npm/vite-node@0.34.6 dev",
            "vitest 0.34.6 pkg:npm/vitest@0.34.6 dev -> pkg:npm/vite-node@0.34.6",
            "zod 3.22.4 pkg:npm/zod@3.22.4",
        ])
        #expect(output.warnings.isEmpty)
    }

    @Test func version9Snapshots() throws {
        let output = try analyzer.analyze(Fixtures.input("pnpm/pnpm-lock-v9.yaml", as: "pnpm-lock.yaml"))
        #expect(golden(output) == [
            "debug 4.3.4 pkg:npm/debug@4.3.4 -> pkg:npm/ms@2.1.2, pkg:npm/supports-color@8.1.1",
            "has-flag 4.0.0 pkg:npm/has-flag@4.0.0",
            "lodash-es 4.17.21 pkg:npm/lodash-es@4.17.21",
            "mocha 10.2.0 pkg:npm/mocha@10.2.0 dev -> pkg:npm/debug@4.3.4, pkg:npm/supports-color@8.1.1",
            "ms 2.1.2 pkg:npm/ms@2.1.2",
            "supports-color 8.1.1 pkg:npm/supports-color@8.1.1 -> pkg:npm/has-flag@4.0.0",
        ])
        #expect(output.warnings.isEmpty)
    }

    @Test func emptyProject() throws {
        let output = try analyzer.analyze(AnalyzerInput(path: "pnpm-lock.yaml", content: Data("lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n".utf8)))
        #expect(output.packages.isEmpty)
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("pnpm/pnpm-lock-v6.yaml"))
        // Cut inside a flow mapping: `{integrity: sha512-…` never closes.
        let cut = fixture.prefix(through: try #require(fixture.firstRange(of: Data("{integrity: sha512-6HH".utf8))).upperBound)
        expectRefusal(analyzer, Data(cut), path: "pnpm-lock.yaml")
        expectRefusal(analyzer, Data("packages: {}\n".utf8), path: "pnpm-lock.yaml")
        expectRefusal(analyzer, Data("- a\n- b\n".utf8), path: "pnpm-lock.yaml")
        let bomb = expectRefusal(analyzer, Data("lockfileVersion: '9.0'\n".utf8) + Hostile.yamlAliasBomb(under: "packages"), path: "pnpm-lock.yaml")
        #expect(bomb?.kind == .hostile)
        let deep = Data("lockfileVersion: '9.0'\npackages: ".utf8) + Data(String(repeating: "{a: ", count: 100_000).utf8)
        #expect(expectRefusal(analyzer, deep, path: "pnpm-lock.yaml")?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "lockfileVersion: '9.0'\npackages: '"), path: "pnpm-lock.yaml")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "pnpm-lock.yaml")?.kind == .limitExceeded)
    }

    @Test func tenMegabyteLineIsRead() throws {
        let text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: " + String(repeating: "x", count: 10 << 20) + "}\nsnapshots:\n  a@1.0.0: {}\n"
        let output = try analyzer.analyze(AnalyzerInput(path: "pnpm-lock.yaml", content: Data(text.utf8)))
        #expect(golden(output) == ["a 1.0.0 pkg:npm/a@1.0.0"])
    }
}
