import CArchive
import Foundation
import KensaCore

/// Walks the members of a zip archive held in memory, through libarchive (Debian's
/// `libarchive-dev`, already the project's tar reader). Only the members the caller asks for
/// are inflated, each into a buffer bounded by the caller's limit, so a zip bomb costs at
/// most that limit.
enum ZipMemoryReader {
    enum Member {
        /// Read the member's content, up to `limit` bytes.
        case read(limit: Int)
        case skip
    }

    enum ReadResult {
        case content(Data)
        /// The member inflates to more than the limit.
        case tooLarge
        /// libarchive could not inflate it (corrupt, encrypted, unsupported method).
        case failed(String)
    }

    /// Calls `choose` for each regular member's name and declared size (-1 when unknown); for `.read`, calls
    /// `receive` with the result. Throws `malformed` when the archive itself cannot be opened
    /// or its directory is corrupt.
    static func walk(_ data: Data, input: String, maxMembers: Int = 1_000_000,
                     choose: (_ name: String, _ size: Int64) -> Member,
                     receive: (_ name: String, _ result: ReadResult) throws -> Void) throws {
        guard let archive = archive_read_new() else {
            throw KensaError(.unreadable, input: input, reason: "libarchive could not allocate a reader")
        }
        defer { archive_read_free(archive) }
        archive_read_support_format_zip(archive)
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                throw KensaError(.malformed, input: input, reason: "empty file is not a zip archive")
            }
            guard archive_read_open_memory(archive, base, bytes.count) == ARCHIVE_OK else {
                throw KensaError(.malformed, input: input, reason: "not a zip archive: " + errorText(archive))
            }
            var entry: OpaquePointer?
            var count = 0
            while true {
                let status = archive_read_next_header(archive, &entry)
                if status == ARCHIVE_EOF { break }
                guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                    throw KensaError(.malformed, input: input, reason: "corrupt zip directory: " + errorText(archive))
                }
                count += 1
                guard count <= maxMembers else {
                    throw KensaError(.limitExceeded, input: input, reason: "more than \(maxMembers) zip members")
                }
                guard archive_entry_filetype(entry) == regularFile, let cName = archive_entry_pathname(entry) else {
                    continue
                }
                let name = String(cString: cName)
                let declared = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : -1
                guard case .read(let limit) = choose(name, declared) else { continue }
                // An honest oversized member is refused without inflating it; a lying one is
                // cut off at the limit while reading.
                if declared > Int64(limit) {
                    try receive(name, .tooLarge)
                } else {
                    try receive(name, readMember(archive, limit: limit))
                }
            }
        }
    }

    /// `AE_IFREG`, a cast macro Swift does not import.
    private static let regularFile: UInt32 = 0o100000

    private static func readMember(_ archive: OpaquePointer, limit: Int) -> ReadResult {
        var out = Data()
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, chunk) }
            if n == 0 { return .content(out) }
            if n < 0 { return .failed(errorText(archive)) }
            if out.count + n > limit { return .tooLarge }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    private static func errorText(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
