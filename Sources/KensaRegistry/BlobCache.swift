#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import KensaCore

/// A content-addressed store of registry blobs: `ROOT/blobs/sha256/<hex>`. A blob is streamed
/// into a uniquely named temporary file in the same directory, its digest and size checked,
/// then renamed into place, so a reader never sees a half-written blob and many processes can
/// share one cache with no lock (two writers of one blob rename identical bytes).
public struct BlobCache: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// `--cache-dir`, else `KENSA_CACHE_DIR`, else `$XDG_CACHE_HOME/kensa`, else `~/.cache/kensa`.
    public static func defaultRoot(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let dir = environment["KENSA_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/kensa" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/kensa"
    }

    var blobDirectory: String { root + "/blobs/sha256" }
    var scratchDirectory: String { root + "/tmp" }

    /// The file of a verified blob; `digest` must be `sha256:<64 hex>` (checked by callers).
    func path(of digest: String) -> String {
        blobDirectory + "/" + String(digest.dropFirst("sha256:".count))
    }

    /// True when the blob is cached with the expected size.
    func contains(_ digest: String, size: Int64?) -> Bool {
        var info = stat()
        guard stat(path(of: digest), &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return size.map { Int64(info.st_size) == $0 } ?? true
    }

    func prepare() throws {
        for dir in [blobDirectory, scratchDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw KensaError(.unreadable, input: root, reason: "cannot create cache directory \(dir): \(error.localizedDescription)")
            }
        }
    }

    /// Stores bytes already in memory (manifests, configs) after checking their digest.
    func store(_ bytes: [UInt8], digest: String) throws {
        if contains(digest, size: Int64(bytes.count)) { return }
        let writer = try BlobWriter(cache: self, digest: digest, expectedSize: Int64(bytes.count))
        do {
            try bytes.withUnsafeBytes { try writer.append($0) }
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
    }

    /// Removes everything under the cache root (`kensa clean --cache`). Running scans lose
    /// nothing they hold open: their layout views hold hard links.
    public func removeAll() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw KensaError(.usage, input: root, reason: "cache path is not a directory")
        }
        for name in ["blobs", "tmp"] {
            let p = root + "/" + name
            if FileManager.default.fileExists(atPath: p) {
                do { try FileManager.default.removeItem(atPath: p) } catch {
                    throw KensaError(.unreadable, input: p, reason: "cannot remove: \(error.localizedDescription)")
                }
            }
        }
    }
}

/// One blob being written: hashed and counted as it streams, renamed into the cache only when
/// both match.
final class BlobWriter {
    let cache: BlobCache
    let digest: String
    let expectedSize: Int64
    let temporary: String
    private var fd: Int32
    private var hasher = SHA256()
    private(set) var written: Int64 = 0

    init(cache: BlobCache, digest: String, expectedSize: Int64) throws {
        self.cache = cache
        self.digest = digest
        self.expectedSize = expectedSize
        temporary = cache.blobDirectory + "/.partial-\(getpid())-\(UUID().uuidString)"
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw KensaError(.unreadable, input: cache.root, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard written + Int64(bytes.count) <= expectedSize else {
            throw KensaError(.malformed, input: digest, reason: "blob is larger than the \(expectedSize) bytes its descriptor declares")
        }
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw KensaError(.unreadable, input: cache.root, reason: "cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        written += Int64(bytes.count)
    }

    /// Verifies size and digest, then renames into place.
    func commit() throws {
        guard written == expectedSize else {
            throw KensaError(.malformed, input: digest, reason: "blob is \(written) bytes but its descriptor declares \(expectedSize)")
        }
        let actual = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard actual == digest else {
            throw KensaError(.malformed, input: digest, reason: "digest mismatch: the downloaded content hashes to \(actual)")
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            fd = -1
            throw KensaError(.unreadable, input: cache.root, reason: "cannot flush \(temporary): \(String(cString: strerror(errno)))")
        }
        fd = -1
        guard rename(temporary, cache.path(of: digest)) == 0 else {
            throw KensaError(.unreadable, input: cache.root, reason: "cannot rename into the cache: \(String(cString: strerror(errno)))")
        }
    }

    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporary)
    }
}

enum SHA256Digest {
    static func of(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func isValid(_ d: String) -> Bool {
        guard d.hasPrefix("sha256:") else { return false }
        let hex = d.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
