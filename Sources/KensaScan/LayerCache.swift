#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KensaAnalyzers
import KensaArtifact
import KensaCore
import KensaSecrets

/// Per-layer analysis results on disk, `DIR/<layer hex>-<key hash>.json`, so a layer seen
/// before (in this image or any other sharing it) is not decompressed and analysed again.
///
/// The key holds everything that changes a layer's outcome: kensa's version, the cache format,
/// each analyzer's name and version, the scanners, the secret rules and their configuration,
/// and the read limits. The layer is named by its blob digest, so the cache is used only for
/// blobs whose digest kensa verified (registry pulls), never for archives whose digests it
/// merely reads.
///
/// Safe for many processes at once without a lock: an entry is written to a uniquely named
/// temporary file in the same directory and renamed into place, so a reader sees a whole
/// entry or none. A reader checks the entry's trailer (payload length and checksum), then
/// that the entry names the same layer and key; anything else is a miss, and the scan
/// analyses the layer and replaces the entry. The checksum catches torn or damaged files, not
/// tampering: whoever can write the cache directory can also replace the cached blobs.
struct LayerCache: Sendable {
    let directory: String
    /// The full key text, echoed in every entry and compared on read.
    let key: String
    private let keyHash: String

    /// Bumped when the entry format or the meaning of a LayerOutcome changes.
    static let formatVersion = 1
    /// Entries larger than this are neither written nor read (memory stays bounded).
    static let maxEntrySize = 256 << 20
    private static let trailerTag = "kensa-layer-cache"

    init(directory: String, key: String) {
        self.directory = directory
        self.key = key
        keyHash = LayerCache.hex(LayerCache.fnv1a64(Array(key.utf8)))
    }

    /// The key of a scan: one line per input that changes a layer's outcome.
    static func key(analyzers: [any Analyzer], options: ScanOptions, limits: ReadLimits) -> String {
        var lines = [
            "format \(formatVersion)",
            "kensa \(KensaVersionInfo.version)",
            "analyzers " + analyzers.map { "\($0.name)@\($0.version)" }.joined(separator: ","),
            "scanners " + options.scanners.map(\.rawValue).sorted().joined(separator: ","),
            "limits \(limits)",
        ]
        if options.scanners.contains(.secret) {
            lines.append("secret-rules " + options.secretScanner.ruleIDs.joined(separator: ","))
            lines.append("secret-max-file-size \(options.secretScanner.maxFileSize)")
            lines.append("secret-config \(options.secretConfigDigest ?? "none")")
            lines.append("secret-builtins \(builtinRulesFingerprint)")
        }
        return lines.joined(separator: "\n")
    }

    /// The built-in secret rules' patterns and settings: a rule edited between two releases
    /// (same kensa version, same rule IDs) still changes the key.
    static let builtinRulesFingerprint: String = {
        var text = ""
        for rule in builtinSecretRules {
            let allow = rule.allowRules.map { "\($0.id)|\($0.regex ?? "")|\($0.path ?? "")" }.joined(separator: ";")
            text += [rule.id, rule.title, rule.category, rule.severity.rawValue, rule.keywords.joined(separator: ","), rule.regex, rule.secretGroup ?? "",
                     rule.entropy.map { "\($0)" } ?? "", rule.path ?? "", "\(rule.startsAtKeyword)", "\(rule.multiline)",
                     "\(rule.maxLength)", "\(rule.generic)", "\(rule.skipPlaceholders)", "\(rule.skipDocumentation)", allow]
                .joined(separator: "\u{1}") + "\u{2}"
        }
        return hex(fnv1a64(Array(text.utf8)))
    }()

    /// The entry file of `layerDigest`, or nil when the digest is not `algorithm:hex` (it then
    /// cannot name a file safely and is never cached).
    func entryPath(layerDigest: String) -> String? {
        let parts = layerDigest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, ["sha256", "sha512"].contains(parts[0]), (64...128).contains(parts[1].utf8.count),
              parts[1].utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return nil
        }
        return directory + "/\(parts[0])-\(parts[1])-\(keyHash).json"
    }

    /// The cached outcome of `layerDigest`, or nil (absent, damaged, another key or layer).
    func load(layerDigest: String) -> LayerOutcome? {
        guard let path = entryPath(layerDigest: layerDigest), let data = LayerCache.readBounded(path) else {
            return nil
        }
        return LayerCache.decode(data, layerDigest: layerDigest, key: key)
    }

    /// Writes the entry; a failure (read-only or full disk) only costs the next scan a re-analysis.
    @discardableResult
    func store(_ outcome: LayerOutcome, layerDigest: String) -> Bool {
        guard let path = entryPath(layerDigest: layerDigest),
              let data = LayerCache.encode(outcome, layerDigest: layerDigest, key: key),
              data.count <= LayerCache.maxEntrySize else { return false }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return false
        }
        let temporary = directory + "/.partial-\(getpid())-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return false }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    // MARK: - entry format: JSON payload, then "\nkensa-layer-cache <length> <fnv1a64 hex>\n"

    private struct Entry: Codable {
        var key: String
        var layer: String
        var outcome: LayerOutcome
    }

    static func encode(_ outcome: LayerOutcome, layerDigest: String, key: String) -> Data? {
        guard var data = try? JSONEncoder().encode(Entry(key: key, layer: layerDigest, outcome: outcome)) else {
            return nil
        }
        let checksum = fnv1a64(data)
        data.append(contentsOf: Array("\n\(trailerTag) \(data.count) \(hex(checksum))\n".utf8))
        return data
    }

    static func decode(_ data: Data, layerDigest: String, key: String) -> LayerOutcome? {
        let bytes = [UInt8](data)
        guard bytes.last == 0x0a else { return nil }
        let body = bytes.dropLast()
        guard let newline = body.lastIndex(of: 0x0a) else { return nil }
        let trailer = String(decoding: body[(newline + 1)...], as: UTF8.self).split(separator: " ")
        guard trailer.count == 3, trailer[0] == trailerTag, let length = Int(trailer[1]),
              length == newline, trailer[2] == hex(fnv1a64(bytes[..<newline])) else { return nil }
        guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(bytes[..<newline])),
              entry.key == key, entry.layer == layerDigest else { return nil }
        return entry.outcome
    }

    /// Reads a regular file of at most `maxEntrySize` bytes; nil otherwise. Non-blocking open:
    /// a FIFO planted under an entry's name must not hang the scan.
    static func readBounded(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= maxEntrySize else { return nil }
        guard let data = try? handle.read(upToCount: maxEntrySize + 1), data.count <= maxEntrySize else { return nil }
        return data
    }

    /// FNV-1a, 64 bits: detects damaged entries and names keys; not a cryptographic digest
    /// (the key itself is compared in full on every read).
    static func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Where the CLI keeps layer results: `layers/` under the cache root, beside the blob cache.
public enum LayerCacheLocation {
    public static func directory(cacheRoot: String) -> String { cacheRoot + "/layers" }

    /// Identifies a configuration file's content for `ScanOptions.secretConfigDigest`.
    public static func fingerprint(ofFile path: String) throws -> String {
        guard let data = LayerCache.readBounded(path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot read (or larger than \(LayerCache.maxEntrySize) bytes)")
        }
        return "\(data.count)-" + LayerCache.hex(LayerCache.fnv1a64(data))
    }

    /// Empties it (`kensa clean --cache`). A scan reading an entry keeps it; later ones miss.
    public static func removeAll(cacheRoot: String) throws {
        let directory = directory(cacheRoot: cacheRoot)
        guard FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            throw KensaError(.unreadable, input: directory, reason: "cannot remove: \(error.localizedDescription)")
        }
    }
}
