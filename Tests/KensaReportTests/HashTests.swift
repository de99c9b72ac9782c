@testable import KensaReport
import XCTest

final class HashTests: XCTestCase {
    /// FIPS 180 example vectors.
    func testSHA1Vectors() {
        XCTAssertEqual(SHA1.hash("").hexString, "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(SHA1.hash("abc").hexString, "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hexString,
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hexString,
                       "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    func testSHA1BlockBoundaries() {
        // 55, 56 and 64 bytes exercise the padding branches; values from `sha1sum`.
        XCTAssertEqual(SHA1.hash(String(repeating: "a", count: 55)).hexString, "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        XCTAssertEqual(SHA1.hash(String(repeating: "a", count: 56)).hexString, "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        XCTAssertEqual(SHA1.hash(String(repeating: "a", count: 64)).hexString, "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }

    func testSHA1InPieces() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let whole = SHA1.hash(message)
        for piece in [1, 3, 63, 64, 65, 200] {
            var sha = SHA1()
            var index = 0
            while index < message.count {
                sha.update(Array(message[index..<min(index + piece, message.count)]))
                index += piece
            }
            XCTAssertEqual(sha.finish(), whole, "pieces of \(piece)")
        }
    }

    /// RFC 9562 Appendix A.4's example: version 5 of `www.example.com` in the DNS namespace.
    func testUUIDv5() {
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        XCTAssertEqual(NameBasedUUID.string(NameBasedUUID.make(namespace: dns, name: Array("www.example.com".utf8))),
                       "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }
}
