import Foundation
import KensaCore

/// rpm's own "ndb" package store, `Packages.db` (openSUSE, SLES 15): little-endian, a
/// 32-byte header (`RpmP`, version 0, generation, slot page count), 16-byte slots
/// (`Slot`, package index, block offset, block count) filling the slot pages, and blobs at
/// `block offset × 16`: `BlbS`, package index, timestamp, length, the header bytes, then a
/// tail ending in `BlbE`. Layout from rpm's lib/backend/ndb/rpmpkg.c. The tail's Adler-32
/// checksum is not verified; the magic numbers, index and lengths are.
enum RpmNdb {
    static let headerMagic: UInt32 = 0x506d_7052 // "RpmP"
    static let slotMagic: UInt32 = 0x746f_6c53   // "Slot"
    static let blobHeadMagic: UInt32 = 0x5362_6c42 // "BlbS"
    static let blobTailMagic: UInt32 = 0x4562_6c42 // "BlbE"
    static let pageSize = 4096
    static let blockSize = 16

    static func isNdb(_ bytes: [UInt8]) -> Bool { bytes.count >= 32 && u32(bytes, 0) == headerMagic }

    static func blobs(_ bytes: [UInt8], input: String) throws -> [(Int64, [UInt8])] {
        func bad(_ reason: String) -> KensaError { KensaError(.malformed, input: input, reason: "ndb: " + reason) }
        guard isNdb(bytes) else { throw bad("no RpmP header") }
        guard u32(bytes, 4) == 0 else {
            throw KensaError(.unsupported, input: input, reason: "ndb version \(u32(bytes, 4)) is not supported")
        }
        let slotPages = Int(u32(bytes, 12))
        guard slotPages >= 1, slotPages <= bytes.count / pageSize else {
            throw bad("\(slotPages) slot pages in a file of \(bytes.count) bytes")
        }
        var out: [(Int64, [UInt8])] = []
        var offset = 32
        while offset + 16 <= slotPages * pageSize {
            defer { offset += 16 }
            guard u32(bytes, offset) == slotMagic else { throw bad("slot at byte \(offset) has no Slot magic") }
            let pkgidx = u32(bytes, offset + 4), blkoff = Int(u32(bytes, offset + 8)), blkcnt = Int(u32(bytes, offset + 12))
            if blkoff == 0 { continue }
            let start = blkoff * blockSize, length = blkcnt * blockSize
            guard pkgidx != 0, blkcnt >= 2, start >= slotPages * pageSize,
                  start <= bytes.count, length <= bytes.count - start else {
                throw bad("slot for package \(pkgidx) points outside the file")
            }
            guard u32(bytes, start) == blobHeadMagic, u32(bytes, start + 4) == pkgidx else {
                throw bad("blob of package \(pkgidx) has a bad head")
            }
            let blobLength = Int(u32(bytes, start + 12))
            guard blobLength <= length - 16 - 12, u32(bytes, start + length - 4) == blobTailMagic else {
                throw bad("blob of package \(pkgidx) has a bad length or tail")
            }
            out.append((Int64(pkgidx), Array(bytes[(start + 16)..<(start + 16 + blobLength)])))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}
