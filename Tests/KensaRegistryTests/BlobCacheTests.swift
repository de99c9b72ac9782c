import Foundation
import KensaCore
@testable import KensaRegistry
import XCTest

final class BlobCacheTests: XCTestCase {
    private func cache() throws -> BlobCache {
        let c = BlobCache(root: try scratchDirectory(self).path)
        try c.prepare()
        return c
    }

    func testStoreVerifiesDigestAndSize() throws {
        let c = try cache()
        let bytes = Array("hello".utf8)
        let digest = SHA256Digest.of(bytes)
        try c.store(bytes, digest: digest)
        XCTAssertTrue(c.contains(digest, size: 5))
        XCTAssertFalse(c.contains(digest, size: 6))
        let other = SHA256Digest.of(Array("other".utf8))
        XCTAssertThrowsError(try c.store(bytes, digest: other)) { XCTAssertTrue(String(describing: $0).contains("digest mismatch")) }
        XCTAssertFalse(c.contains(other, size: nil))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: c.blobDirectory), [String(digest.dropFirst(7))])
    }

    func testWriterRefusesMoreOrFewerBytesThanDeclared() throws {
        let c = try cache()
        let digest = SHA256Digest.of(Array("abc".utf8))
        let long = try BlobWriter(cache: c, digest: digest, expectedSize: 2)
        XCTAssertThrowsError(try Array("abc".utf8).withUnsafeBytes { try long.append($0) })
        long.discard()
        let short = try BlobWriter(cache: c, digest: digest, expectedSize: 4)
        try Array("abc".utf8).withUnsafeBytes { try short.append($0) }
        XCTAssertThrowsError(try short.commit())
        short.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: c.blobDirectory), [])
    }

    func testDefaultRoot() {
        XCTAssertEqual(BlobCache.defaultRoot(explicit: "/x", environment: ["KENSA_CACHE_DIR": "/y"]), "/x")
        XCTAssertEqual(BlobCache.defaultRoot(explicit: nil, environment: ["KENSA_CACHE_DIR": "/y", "XDG_CACHE_HOME": "/z"]), "/y")
        XCTAssertEqual(BlobCache.defaultRoot(explicit: nil, environment: ["XDG_CACHE_HOME": "/z", "HOME": "/h"]), "/z/kensa")
        XCTAssertEqual(BlobCache.defaultRoot(explicit: nil, environment: ["HOME": "/h"]), "/h/.cache/kensa")
    }

    func testRemoveAll() throws {
        let c = try cache()
        try c.store(Array("x".utf8), digest: SHA256Digest.of(Array("x".utf8)))
        try c.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: c.root + "/blobs"))
    }
}
