import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct LockfileRegistryTests {
    @Test func namesAreUniqueAndEachFileHasOneAnalyzer() {
        let names = lockfileAnalyzers.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(lockfileAnalyzers.count == 13)
        let files = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "go.mod", "Cargo.lock",
                     "Gemfile.lock", "composer.lock", "packages.lock.json", "poetry.lock", "Pipfile.lock", "uv.lock",
                     "requirements.txt", "requirements-prod.txt", "Package.resolved"]
        for file in files {
            let wanting = lockfileAnalyzers.filter { $0.wants(path: "project/" + file, size: 1_000, mode: 0o644) }
            #expect(wanting.count == 1, "\(file) is wanted by \(wanting.map(\.name))")
        }
        for other in ["package.json", "go.sum", "Cargo.toml", "Gemfile", "pyproject.toml", "README.md"] {
            #expect(lockfileAnalyzers.allSatisfy { !$0.wants(path: "project/" + other, size: 1_000, mode: 0o644) })
        }
    }
}

@Suite struct InstalledTreeTests {
    @Test func lockFilesOfInstalledPackagesAndCachesAreNotWanted() {
        let installed = [
            "app/node_modules/left-pad/package-lock.json",
            "root/go/pkg/mod/github.com/pkg/errors@v0.9.1/go.mod",
            "root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.195/Cargo.lock",
            "app/vendor/bundle/ruby/3.2.0/gems/puma-6.4.0/Gemfile.lock",
            "app/vendor/guzzlehttp/guzzle/composer.lock",
            "usr/lib/python3/dist-packages/foo/requirements.txt",
            "app/.build/checkouts/swift-nio/Package.resolved",
            "app/.yarn/unplugged/x/yarn.lock",
        ]
        for path in installed {
            #expect(lockfileAnalyzers.allSatisfy { !$0.wants(path: path, size: 100, mode: 0o644) }, "\(path)")
        }
        let project = ["package-lock.json", "srv/go.mod", "vendored-fork/Cargo.lock", "mod/go.mod", "pkg/go.mod"]
        for path in project {
            #expect(lockfileAnalyzers.contains { $0.wants(path: path, size: 100, mode: 0o644) }, "\(path)")
        }
    }
}

@Suite struct LineSequenceTests {
    @Test func splitsOnNewlineBytesKeepingCarriageReturns() {
        #expect(Array(Lockfile.lines("a\nb\r\n\nc")) == ["a", "b\r", "", "c"])
        #expect(Array(Lockfile.lines("a\n")) == ["a", ""])
        #expect(Array(Lockfile.lines("")) == [""])
        #expect(Array(Lockfile.lines("é\nñ")) == ["é", "ñ"])
    }
}

@Suite struct StructuredTextTests {
    private func yaml(_ text: String) throws -> [String: Any] {
        try StructuredText.yaml(AnalyzerInput(path: "x.yaml", content: Data(text.utf8)))
    }

    @Test func prescanAcceptsWhatLockFilesContain() throws {
        let text = """
        # a comment with *stars and &ampersands
        lockfileVersion: '9.0'
        packages:
          debug@4.3.4:
            resolution: {integrity: sha512-PRWF+Q1Kj/TW==}
            peerDependencies:
              supports-color: '*'
              other: "* || ^1"
            engines: {node: '>=6.0', npm: "a,b"}
            description: fast & small, a*b, don't
            notes: |
              *not an alias*
                &not an anchor
            list: [a, [b, c], {d: e}]
        """
        let root = try yaml(text)
        let entry = root.object("packages")?.object("debug@4.3.4")
        #expect(entry?.object("peerDependencies")?.string("supports-color") == "*")
        #expect(entry?.string("description") == "fast & small, a*b, don't")
        #expect(entry?.string("notes") == "*not an alias*\n  &not an anchor\n")
        #expect((entry?.array("list"))?.count == 3)
    }

    @Test func emptyFlowCollectionsCloseAgain() throws {
        // pnpm 9 writes `name@version: {}` for every snapshot without dependencies.
        var text = "lockfileVersion: '9.0'\nsnapshots:\n"
        for index in 0..<(Lockfile.maxDepth * 3) { text += "  pkg-\(index)@1.0.0: {}\n  other-\(index)@1.0.0: [ ]\n" }
        let root = try yaml(text)
        #expect(root.object("snapshots")?.count == Lockfile.maxDepth * 6)
        let output = try PnpmLockAnalyzer().analyze(AnalyzerInput(path: "pnpm-lock.yaml", content: Data(text.utf8)))
        #expect(output.packages.count == Lockfile.maxDepth * 6)
    }

    @Test func duplicateKeysAndSeveralDocumentsAreMalformed() {
        #expect(throws: KensaError(.malformed, input: "x.yaml", reason: "not valid YAML (duplicate keys a)")) {
            try yaml("a: 1\na: 2\n")
        }
        #expect(throws: KensaError.self) { try yaml("a: 1\n---\nb: 2\n") }
    }

    @Test func anchorsAndAliasesAreRefused() {
        for text in ["a: &x 1\nb: *x\n", "a: [*x]\n", "- &x a\n- *x\n", "a: {b: *x}\n"] {
            #expect(throws: KensaError.self) { try yaml(text) }
        }
    }

    @Test func tooManyElementsAreRefusedBeforeParsing() throws {
        let json = Data(("[" + String(repeating: "0,", count: Lockfile.maxElements + 1) + "0]").utf8)
        #expect(throws: KensaError(.limitExceeded, input: "a.json", reason: "more than \(Lockfile.maxElements) JSON values")) {
            try StructuredText.json(AnalyzerInput(path: "a.json", content: json))
        }
        let yamlLines = Data(String(repeating: "- a\n", count: Lockfile.maxElements + 1).utf8)
        #expect(throws: KensaError(.limitExceeded, input: "a.yaml", reason: "more than \(Lockfile.maxElements) YAML values")) {
            try StructuredText.yaml(AnalyzerInput(path: "a.yaml", content: yamlLines))
        }
        let toml = Data(("a = [" + String(repeating: "1,", count: Lockfile.maxElements + 1) + "1]").utf8)
        #expect(throws: KensaError(.limitExceeded, input: "a.toml", reason: "more than \(Lockfile.maxElements) TOML values")) {
            try StructuredText.toml(AnalyzerInput(path: "a.toml", content: toml))
        }
        let yarn = Data(String(repeating: "a@1:\n", count: Lockfile.maxElements + 1).utf8)
        #expect(throws: KensaError(.limitExceeded, input: "yarn.lock", reason: "more than \(Lockfile.maxElements) lines")) {
            try YarnLockAnalyzer().analyze(AnalyzerInput(path: "yarn.lock", content: yarn))
        }
        let requirements = Data(String(repeating: "a==1\n", count: Lockfile.maxElements + 1).utf8)
        #expect(throws: KensaError(.limitExceeded, input: "requirements.txt", reason: "more than \(Lockfile.maxElements) lines")) {
            try PipRequirementsAnalyzer().analyze(AnalyzerInput(path: "requirements.txt", content: requirements))
        }
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        var data = Data(#"{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0","description":""#.utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0xC0])
        data.append(contentsOf: Data(#""}}}"#.utf8))
        // Foundation refuses invalid UTF-8 in JSON: a typed error, not a crash.
        do {
            let output = try NpmLockAnalyzer().analyze(AnalyzerInput(path: "package-lock.json", content: data))
            #expect(output.packages.count == 1)
        } catch let error as KensaError {
            #expect(error.input == "package-lock.json")
        }
        let yarn = Data("a@^1:\n  version \"1.0.0\"\n  resolved \"\u{FFFD}".utf8) + Data([0xFF, 0x0A])
        #expect(try YarnLockAnalyzer().analyze(AnalyzerInput(path: "yarn.lock", content: yarn)).packages.count == 1)
    }
}
