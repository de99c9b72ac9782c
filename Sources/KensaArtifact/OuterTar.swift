#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KensaCore

/// The member index of an image archive (docker-archive, OCI archive): name → byte range.
///
/// Written by hand rather than with libarchive because layers are then read in parallel at
/// their offsets with `pread`, and libarchive does not expose where an entry's data starts.
/// The outer tar is uncompressed (what `docker save`, skopeo and umoci write), so indexing it
/// reads one 512-byte header per member and nothing else. Handles ustar (with prefix), GNU
/// long names/links and pax `path`/`linkpath`/`size` records.
struct OuterTar: Sendable {
    struct Member: Sendable {
        enum Kind: Sendable { case file, symlink, hardlink, other }
        var name: String
        var offset: Int64
        var size: Int64
        var kind: Kind
        var linkTarget: String?
    }

    let file: String
    let fileSize: Int64
    private(set) var members: [String: Member] = [:]

    static let maxMembers = 1_000_000
    private static let maxLongName = 1 << 16
    private static let maxPaxHeader = 1 << 20

    init(file: String) throws {
        self.file = file
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw KensaError(.unreadable, input: file, reason: errnoText())
        }
        fileSize = Int64(info.st_size)
        let region = try BlobRegion(file: file, offset: 0, length: fileSize, name: file)
        var offset: Int64 = 0
        var longName: String?
        var longLink: String?
        var pax: [String: String] = [:]
        var count = 0
        while offset + 512 <= fileSize {
            let block = try region.bytes(at: offset, count: 512)
            guard block.count == 512 else { break }
            if block.allSatisfy({ $0 == 0 }) { break }
            guard Self.checksumOK(block) else {
                throw KensaError(.malformed, input: file, reason: "not a tar archive (bad header checksum at offset \(offset))")
            }
            count += 1
            if count > Self.maxMembers {
                throw KensaError(.limitExceeded, input: file, reason: "more than \(Self.maxMembers) members")
            }
            guard let declared = Self.number(block[124..<136]) else {
                throw KensaError(.malformed, input: file, reason: "bad size field at offset \(offset)")
            }
            var size = declared
            if let paxSize = pax["size"], let s = Int64(paxSize), s >= 0 { size = s }
            let dataOffset = offset + 512
            guard size >= 0, dataOffset + size <= fileSize else {
                throw KensaError(.malformed, input: file, reason: "truncated archive: member at offset \(offset) runs past the end")
            }
            let type = block[156]
            switch type {
            case UInt8(ascii: "L"), UInt8(ascii: "K"):
                guard size <= Self.maxLongName else {
                    throw KensaError(.limitExceeded, input: file, reason: "GNU long name of \(size) bytes")
                }
                let text = Self.cString(try region.bytes(at: dataOffset, count: Int(size))[...])
                if type == UInt8(ascii: "L") { longName = text } else { longLink = text }
            case UInt8(ascii: "x"):
                guard size <= Self.maxPaxHeader else {
                    throw KensaError(.limitExceeded, input: file, reason: "pax header of \(size) bytes")
                }
                pax = Self.paxRecords(try region.bytes(at: dataOffset, count: Int(size)))
            case UInt8(ascii: "g"):
                break
            default:
                var name = longName ?? pax["path"] ?? Self.cString(block[0..<100])
                if longName == nil, pax["path"] == nil, block[257..<262].elementsEqual("ustar".utf8) {
                    let prefix = Self.cString(block[345..<500])
                    if !prefix.isEmpty { name = prefix + "/" + name }
                }
                let link = longLink ?? pax["linkpath"] ?? Self.cString(block[157..<257])
                let kind: Member.Kind = switch type {
                case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): .file
                case UInt8(ascii: "1"): .hardlink
                case UInt8(ascii: "2"): .symlink
                default: .other
                }
                if case .path(let normal) = MemberPath.normalise(name) {
                    members[normal] = Member(name: normal, offset: dataOffset, size: kind == .file ? size : 0,
                                             kind: kind, linkTarget: kind == .file || kind == .other ? nil : link)
                }
                longName = nil
                longLink = nil
                pax = [:]
            }
            offset = dataOffset + (size + 511) / 512 * 512
        }
    }

    /// Finds a regular member, following the symlinks and hard links `docker save` uses to
    /// share identical layers (bounded, so a link loop is an error, not a hang).
    func regularMember(_ name: String) throws -> Member {
        var current = name
        for _ in 0..<16 {
            guard case .path(let normal) = MemberPath.normalise(current), let m = members[normal] else {
                throw KensaError(.malformed, input: file, reason: "archive has no member \(name)")
            }
            switch m.kind {
            case .file: return m
            case .other: throw KensaError(.malformed, input: file, reason: "member \(name) is not a regular file")
            case .hardlink: current = m.linkTarget ?? ""
            case .symlink:
                let target = m.linkTarget ?? ""
                current = target.hasPrefix("/") ? target : MemberPath.join(MemberPath.parent(normal), target)
            }
        }
        throw KensaError(.malformed, input: file, reason: "member \(name): too many links (loop?)")
    }

    func contains(_ name: String) -> Bool { members[name] != nil }

    func read(_ name: String, limit: Int64) throws -> [UInt8] {
        let m = try regularMember(name)
        guard m.size <= limit else {
            throw KensaError(.limitExceeded, input: file, reason: "member \(name) is \(m.size) bytes (limit \(limit))")
        }
        let region = try BlobRegion(file: file, offset: m.offset, length: m.size, name: "\(file):\(name)")
        return try region.bytes(at: 0, count: Int(m.size))
    }

    private static func checksumOK(_ block: [UInt8]) -> Bool {
        guard let stored = number(block[148..<156]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, b) in block.enumerated() {
            let v = (148..<156).contains(i) ? UInt8(ascii: " ") : b
            unsigned += Int64(v)
            signed += Int64(Int8(bitPattern: v))
        }
        return stored == unsigned || stored == signed
    }

    /// Octal (NUL/space padded) or GNU base-256 numeric field.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first == 0x80 else { return nil }  // negative base-256: refuse
            var v: Int64 = 0
            for b in field.dropFirst() {
                guard v < (Int64.max >> 8) else { return nil }
                v = v << 8 | Int64(b)
            }
            return v
        }
        var v: Int64 = 0
        var seen = false
        for b in field {
            if b == 0 || b == UInt8(ascii: " ") {
                if seen { break } else { continue }
            }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") else { return nil }
            guard v < (Int64.max >> 3) else { return nil }
            v = v * 8 + Int64(b - UInt8(ascii: "0"))
            seen = true
        }
        return v
    }

    private static func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// pax extended header records: "LEN key=value\n".
    static func paxRecords(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        var i = 0
        while i < bytes.count {
            guard let space = bytes[i...].firstIndex(of: UInt8(ascii: " ")) else { break }
            guard let len = Int(String(decoding: bytes[i..<space], as: UTF8.self)), len > space - i, i + len <= bytes.count else { break }
            let record = bytes[(space + 1)..<(i + len)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<eq], as: UTF8.self)
                var value = record[(eq + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                out[key] = String(decoding: value, as: UTF8.self)
            }
            i += len
        }
        return out
    }
}
