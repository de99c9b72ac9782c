import Foundation
import KensaCore

/// Reads CycloneDX JSON (1.2–1.7) and SPDX 2.2/2.3 JSON, including Trivy's and Syft's
/// conventions, into packages. Foundation's JSONDecoder does the parsing; the nesting depth is
/// checked first by a byte scan so that a hostile document cannot exhaust the stack.
enum SBOMReader {
    /// SBOMs of large images are tens of MB; the parsed tree costs several times the bytes.
    static let maxFileSize = 128 << 20
    /// JSON nesting (objects and arrays). CycloneDX nests components two levels per step.
    static let maxDepth = 128
    /// The parsed document costs up to ~430 bytes per JSON object (measured: 10 M empty
    /// components in 30 MB took 4.3 GB), far more than its bytes; these bound that. A 39 MB
    /// Trivy-style SBOM of 60,000 components has 540,000 objects/arrays and 720,000 commas.
    static let maxContainers = 2_500_000
    static let maxSeparators = 5_000_000
    /// Individual "skipped" warnings per reason before they are counted instead.
    static let maxWarningsPerReason = 20

    /// `path` `-` reads standard input (`trivy image -f cyclonedx app | kensa sbom -`).
    static func read(path: String) throws -> SBOMInventory {
        if path == "-" {
            return try parse(try readBounded(FileHandle.standardInput, input: "-"), input: "-")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KensaError(.unreadable, input: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw KensaError(.usage, input: path, reason: "is a directory; kensa sbom reads one CycloneDX or SPDX JSON file")
        }
        // A regular file's size says it all; FIFOs and devices are bounded by the read.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.int64Value > Int64(maxFileSize) {
            throw KensaError(.limitExceeded, input: path, reason: "\(size.int64Value) bytes, over the \(maxFileSize >> 20) MiB limit; not read")
        }
        let data = try readBounded(path)
        return try parse(data, input: path)
    }

    /// Reads at most `maxFileSize` bytes; a larger file is refused without reading it all
    /// (a FIFO or a growing file is bounded the same way).
    static func readBounded(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        return try readBounded(handle, input: path)
    }

    static func readBounded(_ handle: FileHandle, input path: String) throws -> Data {
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            throw KensaError(.unreadable, input: path, reason: "read failed: \(error.localizedDescription)")
        }
        guard data.count <= maxFileSize else {
            throw KensaError(.limitExceeded, input: path, reason: "larger than \(maxFileSize >> 20) MiB; not read")
        }
        return data
    }

    static func parse(_ data: Data, input: String) throws -> SBOMInventory {
        try checkShape(data, input: input)
        let document: AnySBOM
        do {
            document = try JSONDecoder().decode(AnySBOM.self, from: data)
        } catch let error as DecodingError {
            throw KensaError(.malformed, input: input, reason: describe(error))
        } catch let error as SBOMFormatError {
            throw KensaError(error.kind, input: input, reason: error.reason)
        }
        switch document {
        case .cycloneDX(let bom): return try CycloneDXReader.inventory(bom, input: input)
        case .spdx(let spdx): return try SPDXReader.inventory(spdx, input: input)
        }
    }

    /// One line naming where in the document it broke (`components[3].version: expected a string`).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            var out = ""
            for key in context.codingPath {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "the document" : out
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing \(key.stringValue)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "invalid JSON" + (underlying.map { ": \($0)" } ?? (context.debugDescription.isEmpty ? "" : ": \(context.debugDescription)"))
            }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "unreadable document"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is [Any].Type: return "an array"
        case is [String: Any].Type: return "an object"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") || name.hasPrefix("[") ? "an array" : "an object"
        }
    }

}
