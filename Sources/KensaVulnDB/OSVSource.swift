import CArchive
import Foundation
import KensaCore

/// Reads OSV records from what `kensa db build --from` names: a directory (every `*.json`
/// below it), a `.zip` archive (OSV's per-ecosystem `all.zip`: one JSON record per entry) or a
/// single `.json` file. Each record is handed over as bytes with a name for messages; the
/// archive is streamed entry by entry, never extracted.
enum OSVSource {
    /// Most entries one archive may hold (OSV's largest all.zip has a few hundred thousand).
    static let maximumEntries = 5_000_000
    /// Most bytes read from one archive after decompression (bounds zip bombs).
    static let maximumTotalBytes: Int64 = 64 << 30
    /// libarchive's AE_IFREG (a cast macro, so not imported into Swift).
    static let regularFile: mode_t = 0o100000

    static func read(_ path: String, _ body: (_ name: String, _ data: Data) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KensaError(.unreadable, input: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            try readDirectory(path, body)
        } else if path.lowercased().hasSuffix(".json") {
            try body(path, try readFile(path))
        } else {
            try readZip(path, body)
        }
    }

    private static func readFile(_ path: String) throws -> Data {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > OSVRecord.maximumSize {
                // Handed on so the importer reports it as one malformed record.
                return Data(count: OSVRecord.maximumSize + 1)
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KensaError(.unreadable, input: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    private static func readDirectory(_ root: String, _ body: (String, Data) throws -> Void) throws {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw KensaError(.unreadable, input: root, reason: "cannot list directory")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.lowercased().hasSuffix(".json") { files.append(relative) }
        }
        // Sorted: the same tree gives the same DB, whatever order the file system lists.
        for relative in files.sorted() {
            let path = (root as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try body(path, try readFile(path))
        }
    }

    private static func readZip(_ path: String, _ body: (String, Data) throws -> Void) throws {
        guard let archive = archive_read_new() else {
            throw KensaError(.unreadable, input: path, reason: "libarchive: out of memory")
        }
        defer { archive_read_free(archive) }
        archive_read_support_format_zip(archive)
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else {
            throw KensaError(.malformed, input: path, reason: "not a zip archive: \(message(archive))")
        }
        var entries = 0
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var entry: OpaquePointer?
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw KensaError(.malformed, input: path, reason: "bad zip entry after \(entries) entries: \(message(archive))")
            }
            entries += 1
            guard entries <= maximumEntries else {
                throw KensaError(.limitExceeded, input: path, reason: "more than \(maximumEntries) entries")
            }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? "entry \(entries)"
            guard archive_entry_filetype(entry) == regularFile, name.lowercased().hasSuffix(".json") else {
                archive_read_data_skip(archive)
                continue
            }
            var data = Data()
            var oversized = false
            while true {
                let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else {
                    throw KensaError(.malformed, input: path, reason: "\(name): \(message(archive))")
                }
                total += Int64(count)
                guard total <= maximumTotalBytes else {
                    throw KensaError(.limitExceeded, input: path, reason: "more than \(maximumTotalBytes >> 30) GiB uncompressed")
                }
                if data.count + count > OSVRecord.maximumSize {
                    // Reported as one oversized record; the rest of the entry is not inflated.
                    oversized = true
                    archive_read_data_skip(archive)
                    break
                } else {
                    data.append(contentsOf: buffer[0..<count])
                }
            }
            try body("\(path)!\(name)", oversized ? Data(count: OSVRecord.maximumSize + 1) : data)
        }
        if entries == 0 {
            throw KensaError(.malformed, input: path, reason: "not a zip archive or an empty one")
        }
    }

    private static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }
}
