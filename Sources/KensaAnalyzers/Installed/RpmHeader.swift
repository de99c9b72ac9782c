import Foundation
import KensaCore

/// An rpm header as rpmdb stores it (the `blob` of `Packages`): big-endian `il` (index entry
/// count) and `dl` (data length), `il` 16-byte entries `(tag, type, offset, count)`, then `dl`
/// bytes of data. Written from the format as rpm documents it (doc/manual/format); no
/// package in reach parses it from memory.
struct RpmHeader {
    enum Tag: Int32 {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, license = 1014
        case arch = 1022, sourceRPM = 1044, provideName = 1047, requireName = 1049
        case dirIndexes = 1116, baseNames = 1117, dirNames = 1118
    }

    private struct Entry { var type: Int32; var offset: Int; var count: Int }

    private let data: [UInt8]
    private let store: Int
    private var entries: [Int32: Entry] = [:]

    /// Headers are bounded by rpm itself to 256 MB of data and 0x0000ffff entries.
    static let maxEntries = 0xffff

    init(_ blob: [UInt8], input: String) throws {
        func bad(_ reason: String) -> KensaError { KensaError(.malformed, input: input, reason: "rpm header: " + reason) }
        data = blob
        guard blob.count >= 8 else { throw bad("\(blob.count) bytes, shorter than its 8-byte preamble") }
        let il = Int(Self.u32(blob, 0)), dl = Int(Self.u32(blob, 4))
        guard il <= Self.maxEntries else { throw bad("\(il) index entries, more than \(Self.maxEntries)") }
        store = 8 + il * 16
        guard dl <= blob.count, store <= blob.count - dl else {
            throw bad("index of \(il) entries and \(dl) data bytes exceed the blob's \(blob.count) bytes")
        }
        for i in 0..<il {
            let at = 8 + i * 16
            let tag = Int32(bitPattern: Self.u32(blob, at))
            let type = Int32(bitPattern: Self.u32(blob, at + 4))
            let offset = Int(Int32(bitPattern: Self.u32(blob, at + 8)))
            let count = Int(Self.u32(blob, at + 12))
            guard offset >= 0, offset <= dl else { continue }
            entries[tag] = Entry(type: type, offset: offset, count: count)
        }
        dataEnd = store + dl
    }

    private var dataEnd = 0

    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    /// STRING (6), I18NSTRING (9, first translation) or the first of a STRING_ARRAY (8).
    func string(_ tag: Tag) -> String? { strings(tag, limit: 1).first }

    /// STRING_ARRAY values; a STRING counts as one. Each string ends at a NUL inside the data.
    func strings(_ tag: Tag, limit: Int = .max) -> [String] {
        guard let entry = entries[tag.rawValue], [6, 8, 9].contains(entry.type) else { return [] }
        let count = entry.type == 8 ? min(entry.count, limit) : 1
        var out: [String] = []
        var position = store + entry.offset
        for _ in 0..<count {
            guard position < dataEnd,
                  let nul = data[position..<dataEnd].firstIndex(of: 0) else { break }
            out.append(String(decoding: data[position..<nul], as: UTF8.self))
            position = nul + 1
        }
        return out
    }

    /// INT32 (4) values.
    func int32s(_ tag: Tag) -> [Int32] {
        guard let entry = entries[tag.rawValue], entry.type == 4 else { return [] }
        let start = store + entry.offset
        // Clamp by what the data actually holds, not by the declared count.
        let available = max(0, (dataEnd - start) / 4)
        return (0..<min(entry.count, available)).map { Int32(bitPattern: Self.u32(data, start + $0 * 4)) }
    }
}
