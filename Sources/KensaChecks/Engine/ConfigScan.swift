// `kensa config`: finds Kubernetes manifests and Dockerfiles under a path, runs the checks,
// custom CEL policies and admission policies, and applies suppressions. A file that cannot be
// read or parsed inside a directory is a warning; a bad single input is a KensaError.

import Foundation
import KensaCore

public struct ConfigScanOptions: Sendable {
    public var checks: [Check] = allChecks
    /// Custom CEL policies (`--policy DIR`).
    public var policies: [CustomPolicy] = []
    /// ValidatingAdmissionPolicy and binding objects (`--admission-policies DIR`).
    public var admissionObjects: [ManifestObject] = []
    /// `--ignorefile`; when nil, `<dir>/.kensaignore` is used if present.
    public var ignoreFile: IgnoreFile?
    public var now = Date()
    /// Files larger than this are refused without being read.
    public var maxFileBytes = ManifestLoader.maxBytes

    public init() {}
}

public struct ConfigScanResult: Sendable {
    public var findings: [Finding]
    public var warnings: [ScanWarning]
    /// Kubernetes objects and Dockerfiles judged.
    public var objects: [KubeObject]
    public var dockerfiles: Int
}

public enum ConfigScan {
    public static func isManifestName(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.hasSuffix(".yaml") || n.hasSuffix(".yml") || n.hasSuffix(".json")
    }

    public static func isDockerfileName(_ name: String) -> Bool {
        let n = name.lowercased()
        return n == "dockerfile" || n == "containerfile" || n.hasPrefix("dockerfile.") || n.hasSuffix(".dockerfile")
    }

    /// Scans a file or directory.
    public static func scan(path: String, options: ConfigScanOptions) throws(KensaError) -> ConfigScanResult {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw KensaError(.unreadable, input: path, reason: "no such file or directory")
        }
        var options = options
        if !isDir.boolValue {
            let name = (path as NSString).lastPathComponent
            let data = try read(path, limit: options.maxFileBytes)
            return try scanTexts([(name, data, isDockerfileName(name) ? .dockerfile : .manifest)], strict: true, options: options)
        }
        let root = URL(fileURLWithPath: path).standardizedFileURL
        if options.ignoreFile == nil {
            let ignorePath = root.appendingPathComponent(".kensaignore").path
            if FileManager.default.fileExists(atPath: ignorePath) {
                options.ignoreFile = try IgnoreFile.parse(String(decoding: try read(ignorePath, limit: 1_000_000), as: UTF8.self), path: ".kensaignore")
            }
        }
        var inputs: [(String, Data, FileKind)] = []
        var warnings: [ScanWarning] = []
        for relative in walk(root) {
            let name = (relative as NSString).lastPathComponent
            let kind: FileKind
            if isDockerfileName(name) { kind = .dockerfile } else if isManifestName(name) { kind = .manifest } else { continue }
            do {
                inputs.append((relative, try read(root.appendingPathComponent(relative).path, limit: options.maxFileBytes), kind))
            } catch {
                warnings.append(ScanWarning(path: relative, reason: error.reason))
            }
        }
        var result = try scanTexts(inputs, strict: false, options: options)
        result.warnings = (result.warnings + warnings).sorted()
        return result
    }

    /// Scans standard input: a Dockerfile when its first instruction is FROM or ARG, else YAML/JSON.
    public static func scan(stdin data: Data, options: ConfigScanOptions) throws(KensaError) -> ConfigScanResult {
        if data.count > options.maxFileBytes {
            throw KensaError(.limitExceeded, input: "-", reason: "standard input is larger than \(options.maxFileBytes) bytes")
        }
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        let first = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }?.uppercased() ?? ""
        let kind: FileKind = first.hasPrefix("FROM ") || first.hasPrefix("ARG ") ? .dockerfile : .manifest
        return try scanTexts([("-", data, kind)], strict: true, options: options)
    }

    enum FileKind { case manifest, dockerfile }

    static func read(_ path: String, limit: Int) throws(KensaError) -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? NSNumber, size.intValue > limit {
            throw KensaError(.limitExceeded, input: path, reason: "file is larger than \(limit) bytes (\(size.intValue)); not read")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw KensaError(.unreadable, input: path, reason: "cannot open") }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit { throw KensaError(.limitExceeded, input: path, reason: "file is larger than \(limit) bytes; not read") }
            return data
        } catch let e as KensaError {
            throw e
        } catch {
            throw KensaError(.unreadable, input: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Regular files under root, relative and sorted; hidden entries and symlinks are not
    /// followed. `lstat` per entry: URL resource values cost a tenth of a corpus scan.
    static func walk(_ root: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [String] = []
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        while let relative = e.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            var st = stat()
            guard lstat(base + relative, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if name.hasPrefix(".") {
                if type == S_IFDIR { e.skipDescendants() }
                continue
            }
            // The enumerator does not descend into symlinked directories; links to files are skipped here.
            if type == S_IFREG { out.append(relative) }
        }
        return out.sorted()
    }

    /// Text of a file, refusing binary content (NUL bytes or invalid UTF-8).
    static func text(_ data: Data, path: String) throws(KensaError) -> String {
        if data.contains(0) { throw KensaError(.malformed, input: path, reason: "binary file (NUL bytes), not a manifest or Dockerfile") }
        guard let s = String(data: data, encoding: .utf8) else {
            throw KensaError(.malformed, input: path, reason: "not valid UTF-8 text")
        }
        return s
    }

    enum FileResult: Sendable {
        case objects([KubeObject])
        case dockerfile([Finding])
        case failed(KensaError)
    }

    /// Parses and judges one file (everything that does not need the other files).
    static func scanFile(_ path: String, _ data: Data, _ kind: FileKind, scanner: ConfigScanner) -> FileResult {
        do {
            let t = try text(data, path: path)
            switch kind {
            case .manifest: return .objects(try KubeReader.read(t, path: path))
            case .dockerfile: return .dockerfile(scanner.scan(dockerfile: try DockerfileParser.parse(t, path: path)))
            }
        } catch {
            return .failed(error)
        }
    }

    static func scanTexts(_ inputs: [(String, Data, FileKind)], strict: Bool, options: ConfigScanOptions) throws(KensaError) -> ConfigScanResult {
        var objects: [KubeObject] = []
        var warnings: [ScanWarning] = []
        var findings: [Finding] = []
        var dockerfiles = 0
        let scanner = ConfigScanner(checks: options.checks)
        // Files are independent until the set-wide checks: parse them on every core, keep input order.
        let results = parallelMap(inputs) { scanFile($0.0, $0.1, $0.2, scanner: scanner) }
        for (input, result) in zip(inputs, results) {
            switch result {
            case .objects(let o): objects += o
            case .dockerfile(let f): findings += f; dockerfiles += 1
            case .failed(let error):
                if strict { throw error }
                warnings.append(ScanWarning(path: input.0, reason: error.reason))
            }
        }
        findings += scanner.scan(objects: objects)
        if !options.policies.isEmpty {
            findings += CustomPolicyEvaluator().evaluate(options.policies, objects.map(\.manifest))
        }
        if !options.admissionObjects.isEmpty {
            findings += AdmissionEvaluator().evaluate(options.admissionObjects + objects.map(\.manifest)).map(\.finding)
        }
        if let ignore = options.ignoreFile {
            warnings += ignore.apply(to: &findings, now: options.now)
        }
        return ConfigScanResult(findings: findings.sorted(), warnings: warnings.sorted(), objects: objects, dockerfiles: dockerfiles)
    }
}

/// Result slots filled from several threads, each slot once, under a lock.
private final class Slots<R: Sendable>: @unchecked Sendable {
    var values: [R?]
    let lock = NSLock()
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
}

/// `f` over `items` on all cores, results in input order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ f: @Sendable (T) -> R) -> [R] {
    let slots = Slots<R>(items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
        let r = f(items[i])
        slots.lock.withLock { slots.values[i] = r }
    }
    return slots.values.compactMap { $0 }
}
