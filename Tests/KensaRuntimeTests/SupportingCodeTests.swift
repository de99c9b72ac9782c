import Foundation
import Testing
@testable import KensaRuntime

@Suite struct SupportingCodeTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func timestamps() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2026-01-02T03:04:05.123456Z") == 1_767_323_045_123_456_000)
        #expect(Timestamp.parse("2026-01-02T04:04:05.123456+01:00") == 1_767_323_045_123_456_000)
        #expect(Timestamp.iso8601(1_767_323_045_123_456_000) == "2026-01-02T03:04:05.123456000Z")
        for bad in ["", "2026-01-02", "2026-13-02T03:04:05Z", "2026-01-02T03:04:05", "2026-01-02T03:04:05.Z", "x026-01-02T03:04:05Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func jsonReaderRejectsBadInput() {
        for bad in ["", "{", "[1,]", "{\"a\":}", "\"\\u12\"", "\"\\ud800\"", "01", "1.", "tru", "{\"a\" 1}", "\"a\u{01}\"", "[1] x"] {
            #expect(throws: JSONReader.Failure.self, "\(bad)") { try JSONReader.parse(bad) }
        }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func jsonRoundTrip() throws {
        let text = "{\"a\":[1,-2.5e3,true,false,null],\"b\":{\"c\":\"x\\\"y\\n\\u00e9\\ud83d\\ude00\"},\"d\":\"/\"}"
        let v = try JSONReader.parse(text)
        #expect(v["b"]?["c"] == .string("x\"y\né😀"))
        #expect(v.compactJSON == "{\"a\":[1,-2.5e3,true,false,null],\"b\":{\"c\":\"x\\\"y\\né😀\"},\"d\":\"/\"}")
    }

    @Test func containerIDFromCgroup() {
        let id = String(repeating: "ab12", count: 16)
        #expect(ContainerID.fromCgroup("0::/system.slice/docker-\(id).scope\n") == "ab12ab12ab12")
        #expect(ContainerID.fromCgroup("0::/kubepods/burstable/pod1/cri-containerd-\(id).scope") == "ab12ab12ab12")
        #expect(ContainerID.fromCgroup("12:memory:/docker/\(id)\n") == "ab12ab12ab12")
        #expect(ContainerID.fromCgroup("0::/user.slice/session-1.scope\n") == nil)
        #expect(ContainerID.fromCgroup("0::/x/\(id)ab") == nil)
    }

    @Test func rateLimiterHoldsBackAndReports() {
        var limiter = RateLimiter(maxPerWindow: 2, window: .seconds(60))
        let t0 = ContinuousClock.now
        #expect(limiter.admit("r", at: t0) == 0)
        #expect(limiter.admit("r", at: t0) == 0)
        #expect(limiter.admit("r", at: t0) == nil)
        #expect(limiter.admit("r", at: t0) == nil)
        #expect(limiter.admit("other", at: t0) == 0)
        #expect(limiter.admit("r", at: t0 + .seconds(61)) == 2)
    }
}
