import CArchive
import Foundation
import KensaCore

/// Reads one layer blob as a tar stream: the compression is found from magic bytes (the media
/// type can lie); gzip is inflated with ISA-L and zstd by libarchive's zstd filter (ZstdStream),
/// and either way libarchive's tar reader is fed a plain tar stream through our callback,
/// which is where the decompression-bomb limit is enforced. libarchive is restricted to the
/// tar formats, so a blob that is not a tar never gets parsed as something else.
enum LayerCompression: String, Sendable {
    case none, gzip, zstd

    static func detect(_ magic: [UInt8], input: String) throws -> LayerCompression {
        if magic.starts(with: [0x1f, 0x8b]) { return .gzip }
        if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if magic.starts(with: [0x42, 0x5a, 0x68]) {
            throw KensaError(.unsupported, input: input, reason: "bzip2-compressed layers are not supported")
        }
        if magic.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) {
            throw KensaError(.unsupported, input: input, reason: "xz-compressed layers are not supported")
        }
        return .none
    }
}

/// The client side of libarchive's read callbacks: one per walk, used on one thread.
final class ArchiveFeed {
    let region: BlobRegion
    let inflater: GzipInflater?
    let zstd: ZstdStream?
    private let buffer: UnsafeMutableRawPointer
    private let bufferCapacity = 1 << 20
    /// The Swift error behind a failed callback; libarchive only sees -1.
    var error: Error?

    init(region: BlobRegion, compression: LayerCompression, limits: ReadLimits) throws {
        self.region = region
        inflater = compression == .gzip ? GzipInflater(source: region, limits: limits) : nil
        zstd = compression == .zstd ? try ZstdStream(region: region, limits: limits) : nil
        buffer = .allocate(byteCount: bufferCapacity, alignment: 64)
    }

    deinit { buffer.deallocate() }

    var decompressedBytes: Int64? { inflater?.totalOut ?? zstd?.totalOut }

    func read(_ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do {
            if let inflater {
                let n = try inflater.next()
                out.pointee = UnsafeRawPointer(inflater.output)
                return n
            }
            if let zstd {
                let (block, n) = try zstd.next()
                out.pointee = block ?? UnsafeRawPointer(buffer)
                return n
            }
            let n = try region.read(into: buffer, count: bufferCapacity)
            out.pointee = UnsafeRawPointer(buffer)
            return n
        } catch {
            self.error = error
            return -1
        }
    }

    /// Reads past the tar end marker to the end of the compressed stream, so its trailer
    /// (gzip CRC-32 and length) and any truncation are checked.
    func drain() throws {
        if let inflater { while try inflater.next() > 0 {} }
        if let zstd { while try zstd.next().1 > 0 {} }
    }
}

/// Walks a tar stream with libarchive and turns entries into a LayerWalk and visits.
struct TarWalker {
    let region: BlobRegion
    let compression: LayerCompression
    let limits: ReadLimits
    let layerLabel: String?

    func walk(wants: FileWants, visit: FileVisit) throws -> LayerWalk {
        let feed = try ArchiveFeed(region: region, compression: compression, limits: limits)
        guard let a = archive_read_new() else {
            throw KensaError(.unreadable, input: region.name, reason: "libarchive: out of memory")
        }
        // The feed is libarchive's client data: it must outlive the archive object.
        defer { withExtendedLifetime(feed) { _ = archive_read_free(a) } }
        archive_read_support_format_tar(a)
        archive_read_support_format_empty(a)
        let context = Unmanaged.passUnretained(feed).toOpaque()
        // Raw tar can seek past unwanted content; compressed streams must be read through.
        let skip: (@convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int64) -> Int64)? =
            compression == .none ? { _, ctx, request in
                guard let ctx else { return 0 }
                return Unmanaged<ArchiveFeed>.fromOpaque(ctx).takeUnretainedValue().region.skip(request)
            } : nil
        let opened = archive_read_open2(a, context, nil, { _, ctx, out in
            guard let ctx, let out else { return -1 }
            return Unmanaged<ArchiveFeed>.fromOpaque(ctx).takeUnretainedValue().read(out)
        }, skip, nil)
        var state = EntryRecorder(limits: limits, layerLabel: layerLabel)
        do {
            if opened != ARCHIVE_OK { try fail(a, feed) }
            var entry: OpaquePointer?
            while true {
                let r = archive_read_next_header(a, &entry)
                if r == ARCHIVE_EOF { break }
                if r != ARCHIVE_OK && r != ARCHIVE_WARN { try fail(a, feed) }
                guard let entry else { try fail(a, feed) }
                try state.countEntry(input: region.name)
                if r == ARCHIVE_WARN, let message = archive_error_string(a).map({ String(cString: $0) }),
                   !message.contains("can't be converted") {
                    // Charset warnings are about libarchive's locale conversion, which we do not
                    // use: names are taken as UTF-8 and invalid ones are reported by `handle`.
                    state.warn(path: rawName(entry).name, reason: "tar: " + message)
                }
                try handle(entry, archive: a, feed: feed, state: &state, wants: wants, visit: visit)
            }
        }
        // libarchive stops at the tar end marker; what follows is still checked.
        try feed.drain()
        if let inflater = feed.inflater, inflater.trailingGarbage {
            state.warn(path: "", reason: "bytes after the end of the gzip stream were ignored")
        }
        state.walk.bytesRead = feed.decompressedBytes ?? archive_filter_bytes(a, 0)
        return state.walk
    }

    private func handle(_ entry: OpaquePointer, archive a: OpaquePointer, feed: ArchiveFeed,
                        state: inout EntryRecorder, wants: FileWants, visit: FileVisit) throws {
        let (name, lossy) = rawName(entry)
        guard let name else {
            state.warn(path: "", reason: "entry without a name skipped")
            return
        }
        if lossy {
            state.warn(path: name, reason: "name is not valid UTF-8; kept with U+FFFD replacement characters")
        }
        let kind: FileHeader.Kind
        var linkTarget: String?
        if let hard = archive_entry_hardlink_utf8(entry) ?? archive_entry_hardlink(entry) {
            kind = .hardlink
            linkTarget = String(decoding: UnsafeRawBufferPointer(start: hard, count: strlen(hard)), as: UTF8.self)
        } else {
            // AE_IFREG, AE_IFDIR, AE_IFLNK: cast macros Swift cannot import.
            switch archive_entry_filetype(entry) {
            case 0o100000: kind = .regular
            case 0o040000: kind = .directory
            case 0o120000:
                kind = .symlink
                if let target = archive_entry_symlink_utf8(entry) ?? archive_entry_symlink(entry) {
                    linkTarget = String(decoding: UnsafeRawBufferPointer(start: target, count: strlen(target)), as: UTF8.self)
                } else {
                    linkTarget = ""
                }
            default: kind = .other
            }
        }
        let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0
        let mode = UInt32(archive_entry_perm(entry)) & 0o7777
        guard let header = state.admit(rawPath: name, size: size, mode: mode, kind: kind, linkTarget: linkTarget) else {
            return
        }
        switch header.kind {
        case .regular:
            guard wants(header) else { return }
            guard state.allowsSize(header) else { return }
            let data = try readContent(a, feed: feed, size: header.size)
            state.remember(header.path, data)
            try visit(header, data)
        case .hardlink:
            guard wants(header) else { return }
            if header.size > 0 {
                // A hard link that carries its own copy of the data (pax allows it).
                guard state.allowsSize(header) else { return }
                let data = try readContent(a, feed: feed, size: header.size)
                try visit(header, data)
            } else if let data = state.content(ofLinkTarget: header) {
                var linked = header
                linked.size = Int64(data.count)
                try visit(linked, data)
            }
        default:
            return
        }
    }

    private func readContent(_ a: OpaquePointer, feed: ArchiveFeed, size: Int64) throws -> Data {
        var data = Data(count: Int(size))
        var got = 0
        let total = Int(size)
        try data.withUnsafeMutableBytes { (buf: UnsafeMutableRawBufferPointer) in
            guard let base = buf.baseAddress else { return }
            while got < total {
                let n = archive_read_data(a, base + got, total - got)
                if n < 0 { try fail(a, feed) }
                if n == 0 { break }
                got += n
            }
        }
        if got < total {
            throw KensaError(.malformed, input: region.name, reason: "truncated tar: entry content ends early")
        }
        return data
    }

    private func fail(_ a: OpaquePointer, _ feed: ArchiveFeed) throws -> Never {
        if let error = feed.error { throw error }
        let message = archive_error_string(a).map { String(cString: $0) } ?? "unreadable tar stream"
        let reason = message.lowercased().contains("truncated") || message.contains("unexpected end")
            ? "truncated tar: \(message)" : "invalid tar: \(message)"
        throw KensaError(.malformed, input: region.name, reason: reason)
    }

    /// The entry's name as UTF-8 when libarchive has it so, else its raw bytes decoded lossily.
    private func rawName(_ entry: OpaquePointer) -> (name: String?, lossy: Bool) {
        if let utf8 = archive_entry_pathname_utf8(entry) {
            let buffer = UnsafeRawBufferPointer(start: utf8, count: strlen(utf8))
            if let s = String(validating: buffer, as: UTF8.self) { return (s, false) }
        }
        guard let raw = archive_entry_pathname(entry) else { return (nil, false) }
        let buffer = UnsafeRawBufferPointer(start: raw, count: strlen(raw))
        if let s = String(validating: buffer, as: UTF8.self) { return (s, false) }
        return (String(decoding: buffer, as: UTF8.self), true)
    }
}
