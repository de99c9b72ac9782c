import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct OSReleaseTests {
    @Test func debianOSReleaseFromThisMachine() throws {
        let out = try OSReleaseAnalyzer().run(InstalledFixtures.input("os/debian-os-release", at: "etc/os-release"))
        #expect(out.os == OperatingSystem(family: "debian", version: "12",
                                          prettyName: "Debian GNU/Linux 12 (bookworm)", source: "etc/os-release"))
    }

    @Test func debianVersionRefinesOSRelease() throws {
        let osRelease = try OSReleaseAnalyzer().run(InstalledFixtures.input("os/debian-os-release", at: "usr/lib/os-release")).os
        let debian = try DebianVersionAnalyzer().run("etc/debian_version", "12.7\n").os
        let resolved = resolveOperatingSystem([debian, osRelease].compactMap { $0 })
        #expect(resolved?.family == "debian")
        #expect(resolved?.version == "12.7")
        #expect(resolved?.release == "12")
        #expect(resolved?.prettyName == "Debian GNU/Linux 12 (bookworm)")
    }

    @Test func etcBeatsUsrLibAndUbuntuIgnoresDebianVersion() throws {
        let etc = try OSReleaseAnalyzer().run("etc/os-release",
            "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n").os
        let lib = try OSReleaseAnalyzer().run("usr/lib/os-release", "ID=debian\nVERSION_ID=11\n").os
        let debian = try DebianVersionAnalyzer().run("etc/debian_version", "bookworm/sid\n").os
        let resolved = resolveOperatingSystem([lib, debian, etc].compactMap { $0 })
        #expect(resolved == OperatingSystem(family: "ubuntu", version: "22.04", prettyName: "Ubuntu 22.04.4 LTS",
                                            source: "etc/os-release"))
    }

    @Test func alpineAndRedHatReleaseFiles() throws {
        let alpine = try AlpineReleaseAnalyzer().run("etc/alpine-release", "3.19.1\n").os
        #expect(alpine?.family == "alpine")
        #expect(alpine?.release == "3.19")
        let rocky = try RedHatReleaseAnalyzer().run("etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n").os
        #expect(rocky?.family == "rocky")
        #expect(rocky?.version == "9.3")
        let centos = try RedHatReleaseAnalyzer().run("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n").os
        let centosRelease = try OSReleaseAnalyzer().run("etc/os-release", "ID=\"centos\"\nVERSION_ID=\"7\"\n").os
        #expect(resolveOperatingSystem([centos, centosRelease].compactMap { $0 })?.version == "7.9.2009")
        // Alone, a release file still names the system.
        #expect(resolveOperatingSystem([rocky].compactMap { $0 })?.family == "rocky")
    }

    @Test func quotingAndComments() throws {
        let os = try OSReleaseAnalyzer().run("etc/os-release",
            "# comment\nID='wolfi'\nPRETTY_NAME=\"Wolfi \\\"rolling\\\"\"\nVERSION_ID=20230201\n").os
        #expect(os?.family == "wolfi")
        #expect(os?.prettyName == "Wolfi \"rolling\"")
        #expect(os?.version == "20230201")
    }

    @Test func wantsOnlyItsPaths() {
        #expect(OSReleaseAnalyzer().wants(path: "etc/os-release", size: 10, mode: 0o644))
        #expect(!OSReleaseAnalyzer().wants(path: "opt/etc/os-release", size: 10, mode: 0o644))
        #expect(!DebianVersionAnalyzer().wants(path: "etc/debian_version.bak", size: 10, mode: 0o644))
    }

    @Test func hostileReleaseFiles() {
        #expect(kensaErrorKind { _ = try OSReleaseAnalyzer().run("etc/os-release", "NAME=x\n") } == .malformed)
        #expect(kensaErrorKind { _ = try OSReleaseAnalyzer().run(AnalyzerInput(path: "etc/os-release", content: garbage(4096))) } == .malformed)
        #expect(kensaErrorKind { _ = try AlpineReleaseAnalyzer().run(AnalyzerInput(path: "etc/alpine-release", content: garbage(100))) } == .malformed)
        #expect(kensaErrorKind { _ = try AlpineReleaseAnalyzer().run("etc/alpine-release", "\n\n") } == .malformed)
        #expect(kensaErrorKind { _ = try RedHatReleaseAnalyzer().run("etc/redhat-release", "Fedora\n") } == .malformed)
        let huge = String(repeating: "9", count: 1 << 20)
        #expect(kensaErrorKind { _ = try DebianVersionAnalyzer().run("etc/debian_version", huge) } == .limitExceeded)
        #expect(kensaErrorKind { _ = try OSReleaseAnalyzer().run("etc/os-release", "ID=x\nPRETTY_NAME=" + huge) } == .limitExceeded)
    }
}
