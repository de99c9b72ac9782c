#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KensaCore

/// A single layer blob on its own (a `.tar`, `.tar.gz` or `.tar.zst` file), outside any image:
/// for tests, benchmarks and tools that hold a layer by itself.
public enum LayerFile {
    public static func walk(path: String, limits: ReadLimits = .default,
                            wants: FileWants, visit: FileVisit) throws -> LayerWalk {
        let region = try open(path)
        let compression = try LayerCompression.detect(try region.bytes(at: 0, count: 6), input: path)
        return try TarWalker(region: region, compression: compression, limits: limits, layerLabel: nil)
            .walk(wants: wants, visit: visit)
    }

    /// Only decompresses (gzip through ISA-L, zstd through libarchive; uncompressed is read as is) and returns the
    /// uncompressed size: the floor under `walk`, for benchmarks.
    public static func decompressedSize(path: String, limits: ReadLimits = .default) throws -> Int64 {
        let region = try open(path)
        switch try LayerCompression.detect(try region.bytes(at: 0, count: 6), input: path) {
        case .gzip:
            let inflater = GzipInflater(source: region, limits: limits)
            while try inflater.next() > 0 {}
            return inflater.totalOut
        case .none:
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 64)
            defer { buffer.deallocate() }
            var total: Int64 = 0
            while case let n = try region.read(into: buffer, count: 1 << 20), n > 0 { total += Int64(n) }
            return total
        case .zstd:
            let stream = try ZstdStream(region: region, limits: limits)
            while try stream.next().1 > 0 {}
            return stream.totalOut
        }
    }

    private static func open(_ path: String) throws -> BlobRegion {
        var info = stat()
        guard stat(path, &info) == 0 else { throw KensaError(.unreadable, input: path, reason: errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw KensaError(.unsupported, input: path, reason: "not a regular file")
        }
        return try BlobRegion(file: path, offset: 0, length: Int64(info.st_size), name: path)
    }
}
