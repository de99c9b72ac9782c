import Foundation
import Testing
@testable import KensaArtifact
import KensaCore

/// Deterministic mutations of valid inputs (flipped bytes, cuts, splices): every result must be
/// a walk or a KensaError, never a crash, a hang or another error type.
@Suite struct MutationTests {
    /// A fixed-seed generator, so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = input
        switch rng.next() % 4 {
        case 0:
            for _ in 0..<(1 + rng.next() % 8) {
                let i = Int(rng.next() % UInt64(b.count))
                b[i] = UInt8(truncatingIfNeeded: rng.next())
            }
        case 1:
            b = Array(b[..<Int(rng.next() % UInt64(b.count))])
        case 2:
            let i = Int(rng.next() % UInt64(b.count))
            b.insert(contentsOf: (0..<Int(rng.next() % 600)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: i)
        default:
            // Overwrite a header-ish region (size, type, name fields) with digits and slashes.
            let i = Int(rng.next() % UInt64(b.count))
            let alphabet = Array("0123456777/..\u{0}xLK".utf8)
            for j in i..<min(b.count, i + 16) { b[j] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        }
        return b
    }

    static func layer() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("etc/")
        tar.file("etc/os-release", "ID=debian\n")
        tar.symlink("usr/lib/os-release", to: "../../etc/os-release")
        tar.hardlink("etc/copy", to: "etc/os-release")
        tar.file(String(repeating: "n", count: 150), "long")
        tar.file("etc/.wh.motd", "")
        tar.finish()
        return tar.bytes
    }

    @Test func mutatedLayers() throws {
        let dir = try TempDir()
        let plain = Self.layer()
        let gz = try gzip(plain, in: dir)
        var rng = SplitMix(state: 42)
        var outcomes = (walked: 0, refused: 0)
        for i in 0..<300 {
            let base = i % 2 == 0 ? plain : gz
            let path = try dir.write("m\(i)", Self.mutate(base, &rng))
            do {
                _ = try LayerFile.walk(path: path, wants: { _ in true }, visit: { _, _ in })
                outcomes.walked += 1
            } catch is KensaError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.walked + outcomes.refused == 300)
        #expect(outcomes.refused > 0)
    }

    @Test func mutatedDockerArchives() throws {
        let dir = try TempDir()
        let archive = ArchiveLayoutTests.dockerArchive()
        var rng = SplitMix(state: 7)
        var opened = 0
        for i in 0..<200 {
            let path = try dir.write("d\(i).tar", Self.mutate(archive, &rng))
            do {
                let image = try ImageSource.open(path: path)
                for l in 0..<image.layerCount {
                    _ = try? image.walkLayer(l, wants: { _ in true }, visit: { _, _ in })
                }
                opened += 1
            } catch is KensaError {
                continue
            }
        }
        #expect(opened < 200)
    }
}
