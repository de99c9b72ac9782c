import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

/// poetry.lock, uv.lock and Pipfile.lock fixtures were generated here by Poetry 2.5.1, uv
/// and pipenv for one small project (requests and urllib3, an optional `cli` extra with
/// click, pytest for development).
@Suite struct PoetryLockAnalyzerTests {
    let analyzer = PoetryLockAnalyzer()

    @Test func poetry2Groups() throws {
        #expect(analyzer.wants(path: "svc/poetry.lock", size: 10, mode: 0o644))
        let output = try analyzer.analyze(Fixtures.input("python/poetry.lock", as: "svc/poetry.lock"))
        #expect(golden(output) == [
            "certifi 2026.10.18 pkg:pypi/certifi@2026.10.18",
            "charset-normalizer 3.5.2 pkg:pypi/charset-normalizer@3.5.2",
            "click 8.1.7 pkg:pypi/click@8.1.7 -> pkg:pypi/colorama@0.4.6",
            "colorama 0.4.6 pkg:pypi/colorama@0.4.6",
            "idna 3.20 pkg:pypi/idna@3.20",
            "iniconfig 2.3.1 pkg:pypi/iniconfig@2.3.1 dev",
            "packaging 26.3 pkg:pypi/packaging@26.3 dev",
            "pluggy 1.7.0 pkg:pypi/pluggy@1.7.0 dev",
            "pytest 7.4.4 pkg:pypi/pytest@7.4.4 dev -> pkg:pypi/colorama@0.4.6, pkg:pypi/iniconfig@2.3.1, pkg:pypi/packaging@26.3, pkg:pypi/pluggy@1.7.0",
            "requests 2.31.0 pkg:pypi/requests@2.31.0 -> pkg:pypi/certifi@2026.10.18, pkg:pypi/charset-normalizer@3.5.2, pkg:pypi/idna@3.20, pkg:pypi/urllib3@2.0.7",
            "urllib3 2.0.7 pkg:pypi/urllib3@2.0.7",
        ])
        expectProvenance(output, path: "svc/poetry.lock", foundBy: "poetry-lock", ecosystem: .pypi)
    }

    @Test func poetry1CategoryAndLocalDirectory() throws {
        let text = """
        [[package]]
        name = "Flask"
        version = "3.0.0"
        category = "main"
        optional = false
        python-versions = ">=3.8"

        [package.dependencies]
        Werkzeug = ">=3.0.0"

        [[package]]
        name = "black"
        version = "23.11.0"
        category = "dev"
        optional = false
        python-versions = ">=3.8"

        [[package]]
        name = "werkzeug"
        version = "3.0.1"
        category = "main"
        optional = false
        python-versions = ">=3.8"

        [[package]]
        name = "shared-utils"
        version = "0.2.0"
        category = "main"
        optional = false
        python-versions = "^3.11"
        develop = true

        [package.source]
        type = "directory"
        url = "../shared-utils"

        [metadata]
        lock-version = "1.1"
        python-versions = "^3.11"
        content-hash = "0c5e1d2f"
        """
        let output = try analyzer.analyze(AnalyzerInput(path: "poetry.lock", content: Data(text.utf8)))
        #expect(golden(output) == [
            "Flask 3.0.0 pkg:pypi/flask@3.0.0 -> pkg:pypi/werkzeug@3.0.1",
            "black 23.11.0 pkg:pypi/black@23.11.0 dev",
            "werkzeug 3.0.1 pkg:pypi/werkzeug@3.0.1",
        ])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("python/poetry.lock"))
        let cut = fixture.prefix(through: try #require(fixture.firstRange(of: Data("name = \"idna\"\nversion = \"3".utf8))).upperBound - 1)
        expectRefusal(analyzer, Data(cut), path: "poetry.lock")
        expectRefusal(analyzer, Data("[tool]\nx = 1\n".utf8), path: "poetry.lock")
        expectRefusal(analyzer, Data("a = ".utf8) + Data(String(repeating: "[", count: 100_000).utf8), path: "poetry.lock")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "[[package]]\nname = \""), path: "poetry.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "poetry.lock")?.kind == .limitExceeded)
    }
}

@Suite struct UvLockAnalyzerTests {
    let analyzer = UvLockAnalyzer()

    @Test func devOnlyThroughDependencyGroups() throws {
        #expect(analyzer.wants(path: "svc/uv.lock", size: 10, mode: 0o644))
        let output = try analyzer.analyze(Fixtures.input("python/uv.lock", as: "svc/uv.lock"))
        #expect(golden(output) == [
            "certifi 2026.10.18 pkg:pypi/certifi@2026.10.18",
            "charset-normalizer 3.5.2 pkg:pypi/charset-normalizer@3.5.2",
            "click 8.1.7 pkg:pypi/click@8.1.7 -> pkg:pypi/colorama@0.4.6",
            "colorama 0.4.6 pkg:pypi/colorama@0.4.6",
            "idna 3.20 pkg:pypi/idna@3.20",
            "iniconfig 2.3.1 pkg:pypi/iniconfig@2.3.1 dev",
            "packaging 26.3 pkg:pypi/packaging@26.3 dev",
            "pluggy 1.7.0 pkg:pypi/pluggy@1.7.0 dev",
            "pytest 7.4.4 pkg:pypi/pytest@7.4.4 dev -> pkg:pypi/colorama@0.4.6, pkg:pypi/iniconfig@2.3.1, pkg:pypi/packaging@26.3, pkg:pypi/pluggy@1.7.0",
            "requests 2.31.0 pkg:pypi/requests@2.31.0 -> pkg:pypi/certifi@2026.10.18, pkg:pypi/charset-normalizer@3.5.2, pkg:pypi/idna@3.20, pkg:pypi/urllib3@2.0.7",
            "urllib3 2.0.7 pkg:pypi/urllib3@2.0.7",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "svc/uv.lock", foundBy: "uv-lock", ecosystem: .pypi)
    }

    @Test func forkedVersionsAreResolvedByVersion() throws {
        let text = """
        version = 1
        requires-python = ">=3.9"

        [[package]]
        name = "app"
        version = "1.0.0"
        source = { editable = "." }
        dependencies = [
            { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.10'" },
            { name = "numpy", version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.10'" },
        ]

        [[package]]
        name = "numpy"
        version = "1.26.4"
        source = { registry = "https://pypi.org/simple" }

        [[package]]
        name = "numpy"
        version = "2.1.3"
        source = { registry = "https://pypi.org/simple" }
        """
        let output = try analyzer.analyze(AnalyzerInput(path: "uv.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["numpy 1.26.4 pkg:pypi/numpy@1.26.4", "numpy 2.1.3 pkg:pypi/numpy@2.1.3"])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("python/uv.lock"))
        expectRefusal(analyzer, Hostile.truncated(fixture, fraction: 0.5) + Data("\nname = \"".utf8), path: "uv.lock")
        expectRefusal(analyzer, Data("[[package]]\nname = \"a\"\n".utf8), path: "uv.lock")
        expectRefusal(analyzer, Data("version = 1\nx = ".utf8) + Data(String(repeating: "{a=", count: 100_000).utf8), path: "uv.lock")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "version = 1\n[[package]]\nname = \""), path: "uv.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "uv.lock")?.kind == .limitExceeded)
    }
}

@Suite struct PipfileLockAnalyzerTests {
    let analyzer = PipfileLockAnalyzer()

    @Test func defaultAndDevelop() throws {
        #expect(analyzer.wants(path: "svc/Pipfile.lock", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "svc/Pipfile", size: 10, mode: 0o644))
        let output = try analyzer.analyze(Fixtures.input("python/Pipfile.lock", as: "svc/Pipfile.lock"))
        #expect(golden(output) == [
            "certifi 2026.10.18 pkg:pypi/certifi@2026.10.18",
            "charset-normalizer 3.5.2 pkg:pypi/charset-normalizer@3.5.2",
            "idna 3.20 pkg:pypi/idna@3.20",
            "iniconfig 2.3.1 pkg:pypi/iniconfig@2.3.1 dev",
            "packaging 26.3 pkg:pypi/packaging@26.3 dev",
            "pluggy 1.7.0 pkg:pypi/pluggy@1.7.0 dev",
            "pytest 7.4.4 pkg:pypi/pytest@7.4.4 dev",
            "requests 2.31.0 pkg:pypi/requests@2.31.0",
            "urllib3 2.0.7 pkg:pypi/urllib3@2.0.7",
        ])
        expectProvenance(output, path: "svc/Pipfile.lock", foundBy: "pipfile-lock", ecosystem: .pypi)
    }

    @Test func sharedEditableAndVCSEntries() throws {
        let text = """
        {"_meta": {"hash": {"sha256": "ab"}, "pipfile-spec": 6},
         "default": {"six": {"version": "==1.16.0"}, "mylib": {"editable": true, "path": "."},
                     "tool": {"git": "https://github.com/acme/tool.git", "ref": "0123abcd"}},
         "develop": {"six": {"version": "==1.16.0"}, "mock": {"version": "==5.1.0"}}}
        """
        let output = try analyzer.analyze(AnalyzerInput(path: "Pipfile.lock", content: Data(text.utf8)))
        #expect(golden(output) == ["mock 5.1.0 pkg:pypi/mock@5.1.0 dev", "six 1.16.0 pkg:pypi/six@1.16.0"])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("python/Pipfile.lock"))
        expectRefusal(analyzer, Hostile.truncated(fixture), path: "Pipfile.lock")
        expectRefusal(analyzer, Data("{\"_meta\":{}}".utf8), path: "Pipfile.lock")
        #expect(expectRefusal(analyzer, Hostile.deepJSON(100_000), path: "Pipfile.lock")?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "{\"default\":{\"a\":{\"version\":\"=="), path: "Pipfile.lock")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "Pipfile.lock")?.kind == .limitExceeded)
    }
}

@Suite struct PipRequirementsAnalyzerTests {
    let analyzer = PipRequirementsAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "svc/requirements.txt", size: 10, mode: 0o644))
        #expect(analyzer.wants(path: "requirements-dev.txt", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "svc/constraints.txt", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "svc/requirements.in", size: 10, mode: 0o644))
    }

    @Test func onlyExactPins() throws {
        let output = try analyzer.analyze(Fixtures.input("python/requirements.txt", as: "svc/requirements.txt"))
        #expect(golden(output) == [
            "Django 4.2.7 pkg:pypi/django@4.2.7",
            "PyYAML 6.0.1 pkg:pypi/pyyaml@6.0.1",
            "celery 5.3.6 pkg:pypi/celery@5.3.6",
            "django-environ 0.11.2 pkg:pypi/django-environ@0.11.2",
            "typing_extensions 4.8.0 pkg:pypi/typing-extensions@4.8.0",
            "zope.interface 6.1 pkg:pypi/zope.interface@6.1",
        ])
        #expect(output.warnings.map(\.reason) == [
            "line 3: includes requirements-base.txt, not followed",
            "line 4: includes constraints.txt, not followed",
        ])
        expectProvenance(output, path: "svc/requirements.txt", foundBy: "pip-requirements", ecosystem: .pypi)
    }

    @Test func hostileInput() throws {
        // Line-based and lenient by design: garbage is skipped, never fatal, and linear.
        let long = try analyzer.analyze(AnalyzerInput(path: "requirements.txt", content: Hostile.longLine(10 << 20, prefix: "a==")))
        #expect(long.packages.first?.version.utf8.count == (10 << 20) - 3)
    }

    @Test func manyContinuationsAndBinary() throws {
        let continuation = try analyzer.analyze(AnalyzerInput(path: "requirements.txt", content: Data(String(repeating: "\\\n", count: 100_000).utf8)))
        #expect(continuation.packages.isEmpty)
        let binary = try analyzer.analyze(AnalyzerInput(path: "requirements.txt", content: Data((0..<4096).map { UInt8($0 % 256) })))
        #expect(binary.packages.isEmpty)
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "requirements.txt")?.kind == .limitExceeded)
    }
}
