import CArchive
import KensaCore

/// zstd layers: decompressed by libarchive's zstd filter (Debian's libarchive links libzstd)
/// in a second archive object reading the "raw" format, so the plain tar stream passes through
/// our read callback like an inflated gzip stream does. That keeps one bomb limit, counted on
/// exact bytes, for both compressions; the blocks are handed over without copying.
final class ZstdStream {
    private let archive: OpaquePointer
    private let source: RawSource
    private let limits: ReadLimits
    private(set) var totalOut: Int64 = 0
    private var done = false

    /// The compressed bytes for the inner archive's callback.
    final class RawSource {
        let region: BlobRegion
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
        var error: Error?
        init(region: BlobRegion) { self.region = region }
        deinit { buffer.deallocate() }
    }

    init(region: BlobRegion, limits: ReadLimits) throws {
        self.limits = limits
        source = RawSource(region: region)
        guard let a = archive_read_new() else {
            throw KensaError(.unreadable, input: region.name, reason: "libarchive: out of memory")
        }
        archive = a
        // From here on every property is set: deinit frees the archive when init throws.
        guard archive_read_support_filter_zstd(a) == ARCHIVE_OK else {
            throw KensaError(.unsupported, input: region.name,
                             reason: "zstd-compressed layer, but this libarchive has no built-in zstd support")
        }
        archive_read_support_format_raw(a)
        let context = Unmanaged.passUnretained(source).toOpaque()
        let opened = archive_read_open2(a, context, nil, { _, ctx, out in
            guard let ctx, let out else { return -1 }
            let source = Unmanaged<RawSource>.fromOpaque(ctx).takeUnretainedValue()
            do {
                out.pointee = UnsafeRawPointer(source.buffer)
                return try source.region.read(into: source.buffer, count: 1 << 20)
            } catch {
                source.error = error
                return -1
            }
        }, nil, nil)
        var entry: OpaquePointer?
        if opened != ARCHIVE_OK || archive_read_next_header(a, &entry) != ARCHIVE_OK {
            throw failure()
        }
    }

    deinit { archive_read_free(archive) }

    /// The next block of decompressed bytes; 0 bytes at the end.
    func next() throws -> (UnsafeRawPointer?, Int) {
        if done { return (nil, 0) }
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        let r = archive_read_data_block(archive, &block, &size, &offset)
        if r == ARCHIVE_EOF {
            done = true
            return (nil, 0)
        }
        if r != ARCHIVE_OK && r != ARCHIVE_WARN { throw failure() }
        totalOut += Int64(size)
        let compressed = max(1, source.region.length)
        if totalOut > limits.inflateFloor && totalOut / compressed > limits.inflateRatio {
            throw KensaError(.limitExceeded, input: source.region.name,
                             reason: "zstd bomb: decompresses past \(totalOut) bytes from \(compressed) compressed (limit: more than \(limits.inflateFloor) bytes and \(limits.inflateRatio):1)")
        }
        return (block, size)
    }

    private func failure() -> Error {
        if let error = source.error { return error }
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "unreadable zstd stream"
        return KensaError(.malformed, input: source.region.name, reason: "invalid zstd data: \(message)")
    }
}
