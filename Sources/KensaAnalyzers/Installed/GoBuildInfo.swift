import Foundation
import KensaCore

/// The build information the Go linker embeds in every binary since Go 1.13 (what
/// `go version -m` prints), decoded from the bytes as `debug/buildinfo` documents them:
/// a 32-byte header `\xff Go buildinf:`, pointer size, flags; then either two varint-prefixed
/// strings (Go ≥ 1.18, flag 2) or two pointers to Go string headers (older).
struct GoBuildInfo: Equatable {
    struct Module: Equatable {
        var path: String
        var version: String
        var replacement: (path: String, version: String)?

        static func == (a: Module, b: Module) -> Bool {
            a.path == b.path && a.version == b.version
                && a.replacement?.path == b.replacement?.path && a.replacement?.version == b.replacement?.version
        }
    }

    var goVersion: String
    var mainModule: Module?
    var dependencies: [Module]

    static let headerSize = 32
    /// Build info strings are a few KB; a longer claim is corruption.
    static let maxStringLength = 16 << 20

    /// The header's magic bytes (`\xff` is one byte, not UTF-8).
    static let magicBytes: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)

    /// Finds and decodes the build info of an ELF file; nil when the file has none.
    static func read(_ elf: ELFFile, input: String) throws -> GoBuildInfo? {
        guard let blob = locate(elf) else { return nil }
        func bad(_ reason: String) -> KensaError { KensaError(.malformed, input: input, reason: "Go build info: " + reason) }
        guard blob.count >= headerSize else { throw bad("header truncated") }
        let ptrSize = Int(blob[14])
        let flags = blob[15]
        // Bytes until the sentinels are cut: they are not UTF-8, and decoding would change
        // their length.
        var version: [UInt8]
        var modinfo: [UInt8]
        if flags & 2 != 0 {
            var cursor = headerSize
            guard let v = varintString(blob, &cursor), let m = varintString(blob, &cursor) else {
                throw bad("inline strings truncated")
            }
            version = v
            modinfo = m
        } else {
            guard ptrSize == 4 || ptrSize == 8 else { throw bad("pointer size \(ptrSize)") }
            let bigEndian = flags & 1 != 0
            func pointer(_ buffer: UnsafeRawBufferPointer, _ at: Int) -> UInt64? {
                guard at >= 0, at + ptrSize <= buffer.count else { return nil }
                var value: UInt64 = 0
                for i in 0..<ptrSize { value = value << 8 | UInt64(buffer[at + (bigEndian ? i : ptrSize - 1 - i)]) }
                return value
            }
            func goString(at address: UInt64) -> [UInt8]? {
                guard let header = elf.read(address: address, size: 2 * ptrSize),
                      let data = pointer(header, 0), let length = pointer(header, ptrSize),
                      length <= UInt64(maxStringLength),
                      let bytes = elf.read(address: data, size: Int(length)) else { return nil }
                return Array(bytes)
            }
            guard let versionAddress = pointer(blob, 16), let modAddress = pointer(blob, 16 + ptrSize),
                  let v = goString(at: versionAddress) else {
                throw bad("version pointer outside the file")
            }
            version = v
            modinfo = goString(at: modAddress) ?? []
        }
        // Strip the 16-byte sentinels; without them there is no module information
        // (binaries built outside module mode).
        var text = ""
        if modinfo.count >= 33 && modinfo[modinfo.count - 17] == UInt8(ascii: "\n") {
            text = String(decoding: modinfo[16..<(modinfo.count - 16)], as: UTF8.self)
        }
        guard !version.isEmpty else { throw bad("empty Go version") }
        return parse(goVersion: String(decoding: version, as: UTF8.self), modinfo: text)
    }

    /// The `.go.buildinfo` section; else, as the Go tools do, the magic at a 16-byte boundary
    /// in the first writable loadable segment (binaries whose section table was stripped).
    private static func locate(_ elf: ELFFile) -> UnsafeRawBufferPointer? {
        if let section = elf.section(named: ".go.buildinfo"), section.starts(with: magicBytes) { return section }
        guard let segment = elf.segments.first(where: { $0.type == 1 && $0.flags & 2 != 0 }),
              let data = elf.slice(offset: segment.offset, size: segment.fileSize) else { return nil }
        var at = 0
        while at + headerSize <= data.count {
            if data[at] == 0xff, UnsafeRawBufferPointer(rebasing: data[at..<at + magicBytes.count]).elementsEqual(magicBytes) {
                return UnsafeRawBufferPointer(rebasing: data[at...])
            }
            at += 16
        }
        return nil
    }

    private static func varintString(_ buffer: UnsafeRawBufferPointer, _ cursor: inout Int) -> [UInt8]? {
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard cursor < buffer.count, shift < 64 else { return nil }
            let byte = buffer[cursor]
            cursor += 1
            length |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= UInt64(maxStringLength), Int(length) <= buffer.count - cursor else { return nil }
        let bytes = Array(buffer[cursor..<cursor + Int(length)])
        cursor += Int(length)
        return bytes
    }

    /// The text `runtime/debug.BuildInfo.String` writes: tab-separated `path`, `mod`, `dep`,
    /// `=>` (replacement of the line before), `build` lines.
    static func parse(goVersion: String, modinfo: String) -> GoBuildInfo {
        var info = GoBuildInfo(goVersion: goVersion, mainModule: nil, dependencies: [])
        var last: WritableKeyPath<GoBuildInfo, Module?>?
        for line in modinfo.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            let module = Module(path: fields[1], version: fields.count > 2 ? fields[2] : "")
            switch fields[0] {
            case "mod":
                info.mainModule = module
                last = \.mainModule
            case "dep":
                info.dependencies.append(module)
                last = nil
            case "=>":
                let replacement = (path: fields[1], version: fields.count > 2 ? fields[2] : "")
                if let last { info[keyPath: last]?.replacement = replacement } else if !info.dependencies.isEmpty {
                    info.dependencies[info.dependencies.count - 1].replacement = replacement
                }
            default:
                continue
            }
        }
        return info
    }
}
