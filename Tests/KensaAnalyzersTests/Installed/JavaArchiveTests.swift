import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct JavaArchiveTests {
    let analyzer = JavaArchiveAnalyzer()

    @Test func realJarWithPomProperties() throws {
        let out = try analyzer.run(InstalledFixtures.input("java/commons-cli-1.5.0.jar", at: "usr/share/java/commons-cli.jar"))
        #expect(out.warnings.isEmpty)
        #expect(out.packages == [Package(name: "commons-cli:commons-cli", version: "1.5.0", ecosystem: .maven,
                                         purl: PURL(type: "maven", namespace: "commons-cli", name: "commons-cli", version: "1.5.0"),
                                         foundBy: "jar", location: .init(path: "usr/share/java/commons-cli.jar"))])
        #expect(out.packages[0].purl.description == "pkg:maven/commons-cli/commons-cli@1.5.0")
    }

    @Test func manifestAndFileNameFallback() throws {
        // No pom.properties, no version in the manifest: the file name gives one.
        let aop = try analyzer.run(InstalledFixtures.input("java/aopalliance-1.0.jar", at: "lib/aopalliance-1.0.jar"))
        #expect(aop.packages.map(\.purl.description) == ["pkg:maven/aopalliance@1.0"])
        // Bundle-Version 1.0.0 and Bundle-SymbolicName javax.inject, file name javax.inject-1.jar.
        let inject = try analyzer.run(InstalledFixtures.input("java/atinject-jsr330-api-1.0.jar", at: "lib/javax.inject-1.jar"))
        #expect(inject.packages.map(\.name) == ["javax.inject"])
        #expect(inject.packages.map(\.version) == ["1.0.0"])
        // No version anywhere: nothing reported.
        let unnamed = try analyzer.run(InstalledFixtures.input("java/aopalliance-1.0.jar", at: "lib/aopalliance.jar"))
        #expect(unnamed.packages.isEmpty)
    }

    @Test func wantsArchivesByExtension() {
        for path in ["srv/app.jar", "opt/tomcat/webapps/ROOT.WAR", "x/app.ear", "var/jenkins/plugins/git.jpi", "a.hpi"] {
            #expect(analyzer.wants(path: path, size: 1, mode: 0o644), "\(path)")
        }
        for path in [".jar", "srv/app.jar.sha1", "srv/jar", "srv/app.zip", "srv/app.ja"] {
            #expect(!analyzer.wants(path: path, size: 1, mode: 0o644), "\(path)")
        }
    }

    @Test func identityHeuristics() {
        #expect(JavaArchiveAnalyzer.splitFileName("guava-31.1-jre.jar")! == ("guava", "31.1-jre"))
        #expect(JavaArchiveAnalyzer.splitFileName("spring-boot-3.2.1.jar")! == ("spring-boot", "3.2.1"))
        #expect(JavaArchiveAnalyzer.splitFileName("app.jar") == nil)
        let id = JavaArchiveAnalyzer.identity(manifest: ["Bundle-SymbolicName": "com.google.guava.guava; singleton:=true",
                                                         "Bundle-Version": "31.1.0.jre"], fileName: "guava-31.1-jre.jar")
        #expect(id?.group == "com.google.guava")
        #expect(id?.artifact == "guava")
        #expect(id?.version == "31.1.0.jre")
        let manifest = JavaArchiveAnalyzer.parseManifest(Data("Manifest-Version: 1.0\r\nImplementation-Title: lo\r\n ng-name\r\n\r\nName: x\r\nImplementation-Title: other\r\n".utf8))
        #expect(manifest["Implementation-Title"] == "long-name")
    }

    @Test func springBootFatJar() throws {
        let path = "srv/app/orders-service.jar"
        let out = try analyzer.run(InstalledFixtures.input("java/orders-service.jar", at: path))
        #expect(Set(out.packages.map { "\($0.location.path) \($0.purl)" }) == [
            "srv/app/orders-service.jar pkg:maven/com.example/orders-service@1.4.2",
            "srv/app/orders-service.jar!BOOT-INF/lib/aopalliance-1.0.jar pkg:maven/aopalliance@1.0",
            "srv/app/orders-service.jar!BOOT-INF/lib/commons-cli-1.5.0.jar pkg:maven/commons-cli/commons-cli@1.5.0",
            "srv/app/orders-service.jar!BOOT-INF/lib/wrapper-2.0.jar!lib/deep-lib-0.0.1.jar pkg:maven/org.example/deep-lib@0.0.1",
            // The wrapper jar has no metadata of its own but a versioned file name.
            "srv/app/orders-service.jar!BOOT-INF/lib/wrapper-2.0.jar pkg:maven/wrapper@2.0",
        ])
        #expect(out.packages.count == 5)
        #expect(out.packages == out.packages.sorted())
        // The broken nested jar is a warning naming it; the rest of the archive still counts.
        #expect(out.warnings.map(\.path) == ["srv/app/orders-service.jar!BOOT-INF/lib/broken-1.0.jar"])
    }

    @Test func warWithLibraries() throws {
        let out = try analyzer.run(InstalledFixtures.input("java/webapp.war", at: "usr/local/tomcat/webapps/webapp.war"))
        #expect(out.packages.map(\.location.path) == ["usr/local/tomcat/webapps/webapp.war!WEB-INF/lib/javax.inject-1.jar"])
        #expect(out.packages.map(\.version) == ["1.0.0"])
    }

    @Test func zipBombMembersAreSkipped() throws {
        for name in ["bomb.jar", "lying-bomb.jar"] {
            let out = try analyzer.run(InstalledFixtures.input("java/\(name)", at: "app/\(name)"))
            #expect(out.packages.map(\.name) == ["good:ok"], "\(name)")
            #expect(Set(out.warnings.map(\.path)) == ["app/\(name)!BOOT-INF/lib/zeros.jar",
                                                      "app/\(name)!META-INF/maven/evil/bomb/pom.properties"], "\(name)")
        }
    }

    @Test func tenThousandNestedLevels() throws {
        let out = try analyzer.run(InstalledFixtures.input("java/deep.jar", at: "deep.jar"))
        #expect(out.packages.isEmpty)
        #expect(out.warnings.count == 1)
        let warning = try #require(out.warnings.first)
        #expect(warning.reason.contains("nested more than 8 levels"))
        #expect(warning.path == "deep.jar" + String(repeating: "!a.jar", count: 8))
    }

    @Test func garbageAndTruncatedArchives() throws {
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x.jar", content: garbage(100_000))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x.jar", content: Data())) } == .malformed)
        let real = try InstalledFixtures.data("java/orders-service.jar")
        for cut in [22, 100, real.count / 3, real.count / 2, real.count - 30] {
            // A cut archive either still lists what it can, or is refused; it never traps.
            do {
                let out = try analyzer.run(AnalyzerInput(path: "x.jar", content: real.prefix(cut)))
                #expect(out.packages.count <= 5)
            } catch let error as KensaError {
                #expect(error.kind == .malformed || error.kind == .limitExceeded)
            }
        }
    }
}
