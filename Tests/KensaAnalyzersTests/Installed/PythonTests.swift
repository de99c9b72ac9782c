import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct PythonTests {
    let analyzer = PythonPackageAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "usr/lib/python3/dist-packages/attrs-26.1.0.dist-info/METADATA", size: 1, mode: 0o644))
        #expect(analyzer.wants(path: "usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO", size: 1, mode: 0o644))
        #expect(analyzer.wants(path: "usr/lib/python2.7/wsgiref.egg-info", size: 1, mode: 0o644))
        #expect(analyzer.wants(path: "site-packages/foo-1.0-py3.8.egg/EGG-INFO/PKG-INFO", size: 1, mode: 0o644))
        #expect(!analyzer.wants(path: "src/project/PKG-INFO", size: 1, mode: 0o644))
        #expect(!analyzer.wants(path: "docs/METADATA", size: 1, mode: 0o644))
    }

    @Test func distInfoWithLicenseExpression() throws {
        let path = "usr/local/lib/python3.11/site-packages/attrs-26.1.0.dist-info/METADATA"
        let out = try analyzer.run(InstalledFixtures.input("python/attrs-METADATA", at: path))
        #expect(out.packages == [Package(name: "attrs", version: "26.1.0", ecosystem: .pypi,
                                         purl: PURL(type: "pypi", name: "attrs", version: "26.1.0"),
                                         foundBy: "python-dist", licenses: ["MIT"], location: .init(path: path))])
    }

    @Test func classifierLicenceAndNameAsWritten() throws {
        let out = try analyzer.run(InstalledFixtures.input("python/annotated_types-METADATA",
                                                           at: "x/annotated_types-0.7.0.dist-info/METADATA"))
        let pkg = try #require(out.packages.first)
        #expect(pkg.name == "annotated-types")
        #expect(pkg.licenses == ["MIT License"])
        let pyjwt = try analyzer.run(InstalledFixtures.input("python/PyJWT-PKG-INFO", at: "x/PyJWT-2.6.0.egg-info/PKG-INFO"))
        #expect(pyjwt.packages.first?.name == "PyJWT")
        #expect(pyjwt.packages.first?.purl.description == "pkg:pypi/pyjwt@2.6.0")
        #expect(pyjwt.packages.first?.licenses == ["MIT"])
        let wsgiref = try analyzer.run(InstalledFixtures.input("python/wsgiref.egg-info", at: "usr/lib/python2.7/wsgiref.egg-info"))
        #expect(wsgiref.packages.first?.version == "0.1.2")
        #expect(wsgiref.packages.first?.licenses == ["PSF or ZPL"])
    }

    @Test func longLicenceTextIsNotAName() throws {
        let out = try analyzer.run("a/x-1.dist-info/METADATA", """
            Metadata-Version: 2.1
            Name: x_pkg
            Version: 1
            License: Copyright (c) 2020 Someone
                    Permission is hereby granted, free of charge, to any person
            Classifier: License :: OSI Approved :: BSD License

            Name: not-the-name
            """)
        #expect(out.packages.first?.licenses == ["BSD License"])
        #expect(out.packages.first?.purl.description == "pkg:pypi/x-pkg@1")
        #expect(out.packages.first?.name == "x_pkg")
    }

    @Test func crlfLineEndings() throws {
        let out = try analyzer.run("a/trio-0.22.2.dist-info/METADATA",
                                   "Metadata-Version: 2.1\r\nName: trio\r\nVersion: 0.22.2\r\nLicense: MIT OR Apache-2.0\r\n\r\nbody")
        #expect(out.packages.map(\.name) == ["trio"])
        #expect(out.packages.first?.version == "0.22.2")
        #expect(out.packages.first?.licenses == ["MIT OR Apache-2.0"])
    }

    @Test func hostileMetadata() {
        let path = "a/x-1.dist-info/METADATA"
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(20_000))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "Name: x\n") } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "\nName: x\nVersion: 1\n") } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(path, "Name: x\nSummary: " + String(repeating: "z", count: 17 << 20)) } == .limitExceeded)
        #expect((try? analyzer.run(path, "Name: x\nVersion: 1\nSummary: " + String(repeating: "z", count: 8 << 20)))?.packages.count == 1)
    }

    /// Acceptance shape: every distribution `pip list --path DIR` sees in this machine's
    /// site-packages directories (wheels' dist-info and Debian's legacy egg-info), and no
    /// other, after PEP 503 normalisation.
    @Test func matchesPipListOnThisMachine() throws {
        var directories = ["/usr/lib/python3/dist-packages"]
        if let site = run(["python3", "-c", "import site; print(site.getsitepackages()[0])"]) {
            directories.append(site.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var compared = 0
        for directory in directories where FileManager.default.fileExists(atPath: directory) {
            guard let json = run(["python3", "-m", "pip", "list", "--path", directory, "--format", "json",
                                  "--disable-pip-version-check"]),
                  let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]] else { continue }
            let expected = Set(list.map { "\($0["name"]!.pep503Normalized) \($0["version"]!)" })
            var actual = Set<String>()
            for entry in try FileManager.default.contentsOfDirectory(atPath: directory) {
                for candidate in [entry, entry + "/METADATA", entry + "/PKG-INFO"] {
                    let full = directory + "/" + candidate
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                          analyzer.wants(path: String(full.dropFirst()), size: 0, mode: 0o644) else { continue }
                    let out = try analyzer.analyze(AnalyzerInput(path: String(full.dropFirst()),
                                                                 content: Data(contentsOf: URL(fileURLWithPath: full))))
                    for pkg in out.packages { actual.insert("\(pkg.name.pep503Normalized) \(pkg.version)") }
                }
            }
            #expect(actual == expected, "in \(directory)")
            compared += expected.count
        }
        #expect(compared > 0 || run(["python3", "-m", "pip", "--version"]) == nil)
    }

    private func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
