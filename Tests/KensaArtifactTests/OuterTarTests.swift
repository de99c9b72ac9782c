import Testing
@testable import KensaArtifact

@Suite struct OuterTarTests {
    @Test func numericFields() {
        #expect(OuterTar.number(ArraySlice(Array("00000001750\u{0}".utf8))) == 1000)
        #expect(OuterTar.number(ArraySlice(Array("   1750 \u{0}".utf8))) == 1000)
        #expect(OuterTar.number(ArraySlice([0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])) == 1 << 32)
        #expect(OuterTar.number(ArraySlice([0xff, 0xff, 0, 0])) == nil)  // negative base-256
        #expect(OuterTar.number(ArraySlice(Array("12x4".utf8))) == nil)
        #expect(OuterTar.number(ArraySlice([0x80] + [UInt8](repeating: 0xff, count: 11))) == nil)  // overflow
    }

    @Test func paxRecords() {
        let text = "32 path=blobs/sha256/abcdef0123\n19 linkpath=target\n"
        #expect(OuterTar.paxRecords(Array(text.utf8)) == ["path": "blobs/sha256/abcdef0123", "linkpath": "target"])
        // Lengths that lie stop the parse instead of reading out of bounds.
        #expect(OuterTar.paxRecords(Array("999 path=x\n".utf8)) == [:])
        #expect(OuterTar.paxRecords(Array("3 path=x\n".utf8)) == [:])
        #expect(OuterTar.paxRecords(Array("0 x".utf8)) == [:])
    }
}
