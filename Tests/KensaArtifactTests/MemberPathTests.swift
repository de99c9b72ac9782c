import Testing
@testable import KensaArtifact

@Suite struct MemberPathTests {
    @Test func normalises() {
        #expect(MemberPath.normalise("a/b") == .path("a/b"))
        #expect(MemberPath.normalise("./a//b/") == .path("a/b"))
        #expect(MemberPath.normalise("/etc/passwd") == .path("etc/passwd"))
        #expect(MemberPath.normalise("a/./b/../c") == .path("a/c"))
        #expect(MemberPath.normalise("./") == .root)
        #expect(MemberPath.normalise("../x") == .escapes)
        #expect(MemberPath.normalise("a/../../x") == .escapes)
    }
}
