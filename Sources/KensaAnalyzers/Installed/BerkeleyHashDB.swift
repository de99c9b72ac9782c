import Foundation
import KensaCore

/// The values of a Berkeley DB hash database (what rpm < 4.16 keeps in `Packages`: RHEL 7/8,
/// CentOS, Amazon Linux 2, UBI 8), read straight from its pages. No maintained Swift or C
/// package reads BDB files without linking libdb (AGPL since 6.0, and absent from many
/// images anyway); the page layout is documented in Berkeley DB's `db_page.h`.
///
/// Only what rpm uses is read: hash pages (`P_HASH`, `P_HASH_UNSORTED`) whose items
/// alternate key and value, values stored inline (`H_KEYDATA`) or in a chain of overflow
/// pages (`H_OFFPAGE`). Every page number, offset and length is checked; overflow chains
/// are bounded by the page count, so a cycle ends.
enum BerkeleyHashDB {
    static let hashMagic: UInt32 = 0x061561

    private enum PageType: UInt8 { case hashUnsorted = 2, overflow = 7, hashMeta = 8, hash = 13 }
    private enum ItemType: UInt8 { case keyData = 1, offPage = 3 }
    private static let pageHeaderSize = 26

    static func isHashDatabase(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 512 && (u32(bytes, 12, bigEndian: false) == hashMagic || u32(bytes, 12, bigEndian: true) == hashMagic)
    }

    /// Every value whose key is 4 bytes, in page order. `input` names the file in errors.
    static func values(_ bytes: [UInt8], input: String, maxValue: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        func bad(_ reason: String) -> KensaError { KensaError(.malformed, input: input, reason: "Berkeley DB: " + reason) }
        guard bytes.count >= 512 else { throw bad("file shorter than one page") }
        let bigEndian: Bool
        if u32(bytes, 12, bigEndian: false) == hashMagic { bigEndian = false }
        else if u32(bytes, 12, bigEndian: true) == hashMagic { bigEndian = true }
        else { throw bad("not a hash database (magic \(String(u32(bytes, 12, bigEndian: false), radix: 16)))") }
        let pageSize = Int(u32(bytes, 20, bigEndian: bigEndian))
        guard [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(pageSize) else { throw bad("page size \(pageSize)") }
        guard bytes[24] == 0 else {
            throw KensaError(.unsupported, input: input, reason: "encrypted Berkeley DB databases are not supported")
        }
        let pageCount = bytes.count / pageSize

        func word16(_ at: Int) -> Int { Int(BerkeleyHashDB.u16(bytes, at, bigEndian: bigEndian)) }
        func word32(_ at: Int) -> Int { Int(BerkeleyHashDB.u32(bytes, at, bigEndian: bigEndian)) }

        func overflow(from first: Int, total: Int) throws -> [UInt8] {
            guard total <= maxValue else { throw bad("value of \(total) bytes exceeds the \(maxValue)-byte limit") }
            var out: [UInt8] = []
            out.reserveCapacity(total)
            var page = first
            var visited = 0
            while page != 0 && out.count < total {
                visited += 1
                guard visited <= pageCount, page > 0, page < pageCount else { throw bad("overflow chain leaves the file or loops") }
                let base = page * pageSize
                guard bytes[base + 25] == PageType.overflow.rawValue else { throw bad("overflow chain reaches a page of type \(bytes[base + 25])") }
                let length = word16(base + 22)
                guard length <= pageSize - pageHeaderSize else { throw bad("overflow page \(page) claims \(length) bytes") }
                out += bytes[(base + pageHeaderSize)..<(base + pageHeaderSize + min(length, total - out.count))]
                page = word32(base + 16)
            }
            guard out.count == total else { throw bad("overflow chain ends after \(out.count) of \(total) bytes") }
            return out
        }

        var result: [(key: [UInt8], value: [UInt8])] = []
        for page in 1..<max(1, pageCount) {
            let base = page * pageSize
            let type = bytes[base + 25]
            guard type == PageType.hash.rawValue || type == PageType.hashUnsorted.rawValue else { continue }
            let entries = word16(base + 20)
            guard pageHeaderSize + entries * 2 <= pageSize else { throw bad("hash page \(page) claims \(entries) items") }
            // Items are packed from the end of the page down; item i ends where item i-1 starts.
            func item(_ index: Int) throws -> (type: UInt8, start: Int, end: Int) {
                let start = word16(base + pageHeaderSize + index * 2)
                let end = index == 0 ? pageSize : word16(base + pageHeaderSize + (index - 1) * 2)
                guard start >= pageHeaderSize + entries * 2, start < end, end <= pageSize else {
                    throw bad("hash page \(page) item \(index) is out of place")
                }
                return (bytes[base + start], base + start, base + end)
            }
            var index = 0
            while index + 1 < entries {
                let key = try item(index), value = try item(index + 1)
                index += 2
                guard key.type == ItemType.keyData.rawValue else { continue }
                let keyBytes = Array(bytes[(key.start + 1)..<key.end])
                switch value.type {
                case ItemType.keyData.rawValue:
                    result.append((keyBytes, Array(bytes[(value.start + 1)..<value.end])))
                case ItemType.offPage.rawValue:
                    guard value.end - value.start >= 12 else { throw bad("short off-page item on page \(page)") }
                    result.append((keyBytes, try overflow(from: word32(value.start + 4), total: word32(value.start + 8))))
                default:
                    continue
                }
            }
        }
        return result
    }

    private static func u16(_ b: [UInt8], _ at: Int, bigEndian: Bool) -> UInt16 {
        bigEndian ? UInt16(b[at]) << 8 | UInt16(b[at + 1]) : UInt16(b[at + 1]) << 8 | UInt16(b[at])
    }

    private static func u32(_ b: [UInt8], _ at: Int, bigEndian: Bool) -> UInt32 {
        let v = UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        return bigEndian ? v.byteSwapped : v
    }
}
