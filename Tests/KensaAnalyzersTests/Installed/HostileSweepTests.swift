import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

/// Every installed analyzer against every fixture, cut short and with flipped bytes: each
/// answer must be a result or a KensaError — never another error, a trap or a hang.
@Suite struct HostileSweepTests {
    /// The bombs are excluded: they are slow by design and have their own tests.
    static let skipped: Set<String> = ["java/bomb.jar", "java/lying-bomb.jar", "java/deep.jar"]

    static func fixtures() throws -> [String] {
        let root = InstalledFixtures.directory
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var out: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory),
                  !isDirectory.boolValue, !relative.hasSuffix(".md"), !relative.hasSuffix(".py"),
                  !skipped.contains(relative) else { continue }
            out.append(relative)
        }
        return out.sorted()
    }

    @Test func truncatedAndCorruptedFixtures() throws {
        let fixtures = try Self.fixtures()
        #expect(fixtures.count > 20)
        for fixture in fixtures {
            // Large fixtures are swept through their first 32 KiB (their own tests cut and
            // damage them whole): debug builds decode megabytes of binary as text slowly.
            let data = try InstalledFixtures.data(fixture).prefix(32 << 10)
            var variants: [Data] = []
            for cut in [0, 1, 7, data.count / 2, data.count - 1] where cut >= 0 && cut <= data.count {
                variants.append(data.prefix(cut))
            }
            for position in stride(from: 0, to: data.count, by: max(1, data.count / 8)) {
                var flipped = data
                flipped[position] ^= 0xff
                variants.append(flipped)
            }
            for analyzer in installedAnalyzers {
                for variant in variants {
                    do {
                        _ = try analyzer.analyze(AnalyzerInput(path: Self.path(for: analyzer), content: variant, mode: 0o100755))
                    } catch is KensaError {
                    } catch {
                        Issue.record("\(analyzer.name) on a variant of \(fixture) threw \(error)")
                    }
                }
            }
        }
    }

    /// A path each analyzer wants, so that the path-dependent branches run.
    static func path(for analyzer: any Analyzer) -> String {
        let candidates = ["etc/os-release", "etc/alpine-release", "etc/debian_version", "etc/redhat-release",
                          "var/lib/dpkg/status", "var/lib/dpkg/info/x.list", "lib/apk/db/installed",
                          "var/lib/rpm/rpmdb.sqlite", "a/x-1.dist-info/METADATA", "usr/bin/app", "srv/app.jar",
                          "specifications/x-1.gemspec", "node_modules/x/package.json",
                          "vendor/composer/installed.json", "app/x.deps.json"]
        return candidates.first { analyzer.wants(path: $0, size: 1 << 16, mode: 0o100755) } ?? "unwanted"
    }

    @Test func everyAnalyzerHasASweepPath() {
        for analyzer in installedAnalyzers {
            #expect(Self.path(for: analyzer) != "unwanted", "\(analyzer.name)")
        }
        // Names are unique: they key the layer cache and `foundBy`.
        #expect(Set(installedAnalyzers.map(\.name)).count == installedAnalyzers.count)
    }
}
