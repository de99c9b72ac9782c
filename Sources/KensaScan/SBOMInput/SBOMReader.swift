import Foundation
import KensaAnalyzers
import KensaCore

/// What an SBOM file holds, as a scan's inventory.
struct SBOMInventory {
    enum Format: String { case cycloneDX = "CycloneDX", spdx = "SPDX" }

    var format: Format
    /// What the SBOM describes: an image, a root filesystem (it names an OS) or a project.
    var kind: Report.Artifact.Kind
    var os: OperatingSystem?
    var packages: [Package]
    var warnings: [ScanWarning]
}

/// Reads CycloneDX JSON (1.2–1.7) and SPDX 2.2/2.3 JSON, including Trivy's and Syft's
/// conventions, into packages. Foundation's JSONDecoder does the parsing; the nesting depth is
/// checked first by a byte scan so that a hostile document cannot exhaust the stack.
enum SBOMReader {
    /// SBOMs of large images are tens of MB; the parsed tree costs several times the bytes.
    static let maxFileSize = 128 << 20
    /// JSON nesting (objects and arrays). CycloneDX nests components two levels per step.
    static let maxDepth = 128
    /// Individual "skipped" warnings per reason before they are counted instead.
    static let maxWarningsPerReason = 20

    static func read(path: String) throws -> SBOMInventory {
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

    /// Rejects what is not a JSON object before parsing (with a hint for the other SBOM
    /// encodings), a document nested deeper than `maxDepth`, and a truncated one.
    static func checkShape(_ data: Data, input: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
            guard start < bytes.count else {
                throw KensaError(.malformed, input: input, reason: "empty file; expected a CycloneDX or SPDX JSON document")
            }
            switch bytes[start] {
            case UInt8(ascii: "{"):
                break
            case UInt8(ascii: "<"):
                throw KensaError(.unsupported, input: input, reason: "XML (CycloneDX XML or SPDX RDF) is not supported; give the JSON form")
            default:
                let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(bytes.count, start + 12)]), as: UTF8.self)
                if head.hasPrefix("SPDXVersion") {
                    throw KensaError(.unsupported, input: input, reason: "SPDX tag-value is not supported; give SPDX JSON")
                }
                throw KensaError(.malformed, input: input, reason: "not a JSON object; expected a CycloneDX or SPDX JSON document")
            }
            var depth = 0
            var inString = false
            var escaped = false
            for index in start..<bytes.count {
                let byte = bytes[index]
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > maxDepth {
                        throw KensaError(.limitExceeded, input: input, reason: "JSON nested more than \(maxDepth) levels deep (byte \(index)); not read")
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default: break
                }
            }
            if inString || depth > 0 {
                throw KensaError(.malformed, input: input, reason: "truncated JSON: the document ends inside \(inString ? "a string" : "an object or array")")
            }
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

    /// Adds "skipped" warnings, at most `maxWarningsPerReason` per reason, then a count.
    static func skipWarnings(_ skipped: [(element: String, reason: String)], input: String) -> [ScanWarning] {
        var byReason: [String: [String]] = [:]
        for item in skipped { byReason[item.reason, default: []].append(item.element) }
        var warnings: [ScanWarning] = []
        for (reason, elements) in byReason {
            let sorted = elements.sorted()
            for element in sorted.prefix(maxWarningsPerReason) {
                warnings.append(ScanWarning(path: input, reason: "\(element): \(reason); skipped"))
            }
            if sorted.count > maxWarningsPerReason {
                warnings.append(ScanWarning(path: input, reason: "\(sorted.count - maxWarningsPerReason) more elements: \(reason); skipped"))
            }
        }
        return warnings
    }

    static func reason(_ skip: SBOMSkip) -> String {
        switch skip {
        case .noPURL: return "no package URL (purl)"
        case .unreadablePURL(let text): return "unreadable purl \(text)"
        case .unsupportedType(let type): return "purl type '\(type)' is not a package ecosystem kensa knows"
        case .noVersion: return "no version"
        }
    }

    /// The finished inventory: the OS applied to OS package purls (as a directory scan does)
    /// and dependency refs turned into those purls; sorted.
    static func finish(input: String, format: SBOMInventory.Format, kind: Report.Artifact.Kind?, stated: OperatingSystem?,
                       packages: [(ref: String?, package: Package, dependsOn: [String])],
                       warnings: [ScanWarning]) -> SBOMInventory {
        var list = packages.map(\.package)
        let os = SBOMOperatingSystem.resolve(stated: stated, packages: list)
        var warnings = warnings
        if let os {
            list = assignOperatingSystem(os, to: list)
        } else if list.contains(where: { $0.ecosystem.isOS }) {
            warnings.append(ScanWarning(path: input, reason: "OS packages listed but no operating system named (no operating-system element, no purl distro qualifier): their vulnerabilities are not matched"))
        }
        var purlByRef: [String: String] = [:]
        for (index, entry) in packages.enumerated() {
            if let ref = entry.ref { purlByRef[ref] = list[index].purl.description }
        }
        for index in list.indices {
            let targets = packages[index].dependsOn.compactMap { purlByRef[$0] }
            list[index].dependsOn = Array(Set(targets)).sorted()
        }
        let kind = kind ?? (os == nil ? .filesystem : .rootfs)
        return SBOMInventory(format: format, kind: kind, os: os, packages: list.sorted(),
                             warnings: Array(Set(warnings)).sorted())
    }
}

/// Thrown while decoding when the document is JSON but no SBOM kensa reads.
struct SBOMFormatError: Error {
    var kind: KensaError.Kind
    var reason: String
}

/// A CycloneDX or SPDX document, told apart by `bomFormat` / `spdxVersion` in one parse.
enum AnySBOM: Decodable {
    case cycloneDX(CycloneDXDocument)
    case spdx(SPDXDocument)

    private enum Keys: String, CodingKey { case bomFormat, spdxVersion, spdxID = "SPDXID", context = "@context" }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let bomFormat = try container.decodeIfPresent(String.self, forKey: .bomFormat)
        let spdxVersion = try container.decodeIfPresent(String.self, forKey: .spdxVersion)
        if let bomFormat {
            guard bomFormat == "CycloneDX" else {
                throw SBOMFormatError(kind: .unsupported, reason: "bomFormat '\(bomFormat)' is not CycloneDX")
            }
            self = .cycloneDX(try CycloneDXDocument(from: decoder))
        } else if let spdxVersion {
            guard spdxVersion.hasPrefix("SPDX-2.") else {
                throw SBOMFormatError(kind: .unsupported, reason: "\(spdxVersion) is not supported; kensa reads SPDX 2.2 and 2.3 JSON")
            }
            self = .spdx(try SPDXDocument(from: decoder))
        } else if container.contains(.context) {
            throw SBOMFormatError(kind: .unsupported, reason: "JSON-LD (SPDX 3) is not supported; kensa reads SPDX 2.2 and 2.3 JSON")
        } else {
            throw SBOMFormatError(kind: .malformed, reason: "neither CycloneDX (no bomFormat) nor SPDX (no spdxVersion) JSON")
        }
    }
}
