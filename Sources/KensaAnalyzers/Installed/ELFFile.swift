import Foundation

/// Just enough of ELF (System V gABI) to find a section or a writable segment and to map a
/// virtual address to a file offset, over bytes in memory. Every offset read is checked
/// against the buffer; a malformed file yields nil or fewer sections, never a trap.
struct ELFFile {
    struct Section { var name: String; var address: UInt64; var offset: Int; var size: Int }
    struct Segment { var type: UInt32; var flags: UInt32; var address: UInt64; var offset: Int; var fileSize: Int }

    let bytes: UnsafeRawBufferPointer
    let is64: Bool
    let bigEndian: Bool
    private(set) var sections: [Section] = []
    private(set) var segments: [Segment] = []

    static func isELF(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 52 && bytes[0] == 0x7f && bytes[1] == 0x45 && bytes[2] == 0x4c && bytes[3] == 0x46
    }

    /// Header tables bigger than this are not real executables.
    static let maxTableEntries = 65_536

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard Self.isELF(bytes), bytes[4] == 1 || bytes[4] == 2, bytes[5] == 1 || bytes[5] == 2 else { return nil }
        self.bytes = bytes
        is64 = bytes[4] == 2
        bigEndian = bytes[5] == 2
        guard !is64 || bytes.count >= 64 else { return nil }

        let phoff = Int(clamping: is64 ? uint(at: 0x20, size: 8) : uint(at: 0x1c, size: 4))
        let shoff = Int(clamping: is64 ? uint(at: 0x28, size: 8) : uint(at: 0x20, size: 4))
        let phentsize = Int(uint(at: is64 ? 0x36 : 0x2a, size: 2))
        let phnum = Int(uint(at: is64 ? 0x38 : 0x2c, size: 2))
        let shentsize = Int(uint(at: is64 ? 0x3a : 0x2e, size: 2))
        let shnum = Int(uint(at: is64 ? 0x3c : 0x30, size: 2))
        let shstrndx = Int(uint(at: is64 ? 0x3e : 0x32, size: 2))

        if phentsize >= (is64 ? 56 : 32), phnum <= Self.maxTableEntries {
            for i in 0..<phnum {
                let at = phoff &+ i &* phentsize
                guard at >= 0, at <= bytes.count - phentsize else { break }
                let segment: Segment
                if is64 {
                    segment = Segment(type: UInt32(uint(at: at, size: 4)), flags: UInt32(uint(at: at + 4, size: 4)),
                                      address: uint(at: at + 16, size: 8), offset: Int(clamping: uint(at: at + 8, size: 8)),
                                      fileSize: Int(clamping: uint(at: at + 32, size: 8)))
                } else {
                    segment = Segment(type: UInt32(uint(at: at, size: 4)), flags: UInt32(uint(at: at + 24, size: 4)),
                                      address: uint(at: at + 8, size: 4), offset: Int(uint(at: at + 4, size: 4)),
                                      fileSize: Int(uint(at: at + 16, size: 4)))
                }
                segments.append(segment)
            }
        }

        if shentsize >= (is64 ? 64 : 40), shnum <= Self.maxTableEntries, shstrndx < shnum {
            var raw: [(nameOffset: Int, address: UInt64, offset: Int, size: Int)] = []
            for i in 0..<shnum {
                let at = shoff &+ i &* shentsize
                guard at >= 0, at <= bytes.count - shentsize else { break }
                if is64 {
                    raw.append((Int(uint(at: at, size: 4)), uint(at: at + 16, size: 8),
                                Int(clamping: uint(at: at + 24, size: 8)), Int(clamping: uint(at: at + 32, size: 8))))
                } else {
                    raw.append((Int(uint(at: at, size: 4)), uint(at: at + 12, size: 4),
                                Int(uint(at: at + 16, size: 4)), Int(uint(at: at + 20, size: 4))))
                }
            }
            if shstrndx < raw.count, let names = slice(offset: raw[shstrndx].offset, size: raw[shstrndx].size) {
                for entry in raw {
                    sections.append(Section(name: Self.cString(names, at: entry.nameOffset), address: entry.address,
                                            offset: entry.offset, size: entry.size))
                }
            }
        }
    }

    /// An unsigned integer of 1, 2, 4 or 8 bytes in the file's byte order; 0 when out of range.
    func uint(at offset: Int, size: Int) -> UInt64 {
        guard offset >= 0, size <= 8, offset <= bytes.count - size else { return 0 }
        var value: UInt64 = 0
        for i in 0..<size {
            let byte = UInt64(bytes[offset + (bigEndian ? i : size - 1 - i)])
            value = value << 8 | byte
        }
        return value
    }

    /// `size` bytes at `offset`, or nil when they are not all inside the file.
    func slice(offset: Int, size: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size])
    }

    func section(named name: String) -> UnsafeRawBufferPointer? {
        guard let section = sections.first(where: { $0.name == name }) else { return nil }
        return slice(offset: section.offset, size: section.size)
    }

    /// `size` bytes at virtual address `address`, through the loadable segments (or, for
    /// files without program headers, the sections).
    func read(address: UInt64, size: Int) -> UnsafeRawBufferPointer? {
        // Offsets and sizes come from the file: the additions are checked so that a hostile
        // header cannot overflow them.
        for segment in segments where segment.type == 1 && address >= segment.address {
            let delta = address - segment.address
            guard delta < UInt64(segment.fileSize), size <= segment.fileSize - Int(delta) else { continue }
            let (offset, overflow) = segment.offset.addingReportingOverflow(Int(delta))
            return overflow ? nil : slice(offset: offset, size: size)
        }
        for section in sections where address >= section.address && section.address != 0 {
            let delta = address - section.address
            guard delta < UInt64(section.size), size <= section.size - Int(delta) else { continue }
            let (offset, overflow) = section.offset.addingReportingOverflow(Int(delta))
            return overflow ? nil : slice(offset: offset, size: size)
        }
        return nil
    }

    private static func cString(_ table: UnsafeRawBufferPointer, at offset: Int) -> String {
        guard offset >= 0, offset < table.count else { return "" }
        var end = offset
        while end < table.count && table[end] != 0 { end += 1 }
        return String(decoding: table[offset..<end], as: UTF8.self)
    }
}
