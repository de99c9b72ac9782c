// `kensa config`: finds Kubernetes manifests and Dockerfiles under a path, runs the checks,
// custom CEL policies and admission policies, and applies suppressions. A file that cannot be
// read or parsed inside a directory is a warning; a bad single input is a KensaError.

import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
            return try scanTexts([(name, .data(data), isDockerfileName(name) ? .dockerfile : .manifest)], strict: true, options: options)
        }
        let root = URL(fileURLWithPath: path).standardizedFileURL
        if options.ignoreFile == nil {
            let ignorePath = root.appendingPathComponent(".kensaignore").path
            if FileManager.default.fileExists(atPath: ignorePath) {
                options.ignoreFile = try IgnoreFile.parse(String(decoding: try read(ignorePath, limit: 1_000_000), as: UTF8.self), path: ".kensaignore")
            }
        }
        // Files are read by the workers that parse them; a read error is that file's warning.
        var inputs: [(String, Source, FileKind)] = []
        let (files, warnings) = walk(root)
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for relative in files {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            let kind: FileKind
            if isDockerfileName(name) { kind = .dockerfile } else if isManifestName(name) { kind = .manifest } else { continue }
            inputs.append((relative, .file(base + relative), kind))
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
        return try scanTexts([("-", .data(data), kind)], strict: true, options: options)
    }

    enum FileKind { case manifest, dockerfile }

    /// What a worker parses: bytes in hand, or a file it reads itself.
    enum Source: Sendable {
        case data(Data)
        case file(String)
    }

    /// The file's bytes, refusing one larger than `limit` before reading it (open, fstat, read:
    /// Foundation's attribute lookup cost several percent of a corpus scan).
    static func read(_ path: String, limit: Int) throws(KensaError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KensaError(.unreadable, input: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, Int(st.st_size) > limit {
            throw KensaError(.limitExceeded, input: path, reason: "file is larger than \(limit) bytes (\(st.st_size)); not read")
        }
        var data = Data(count: min(max(Int(st.st_size), 0), limit) + 1)
        var total = 0
        // Read until EOF or one byte past the limit (a file may grow after fstat).
        while total < data.count {
            let n = data.withUnsafeMutableBytes { raw -> Int in
                guard let start = raw.baseAddress else { return 0 }
                return Glibc.read(fd, start + total, raw.count - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw KensaError(.unreadable, input: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += n
            if total == data.count, total <= limit { data.count = min(limit + 1, data.count * 2) }
        }
        if total > limit { throw KensaError(.limitExceeded, input: path, reason: "file is larger than \(limit) bytes; not read") }
        data.count = total
        return data
    }

    /// Regular files under root, relative and sorted, with warnings for directories that could
    /// not be read or nest too deep. Hidden entries are skipped and symlinks never followed
    /// (`readdir`'s entry type, `lstat` only when the file system does not give one).
    static func walk(_ root: URL, maxDepth: Int = 256) -> (files: [String], warnings: [ScanWarning]) {
        var files: [String] = []
        var warnings: [ScanWarning] = []
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        func visit(_ relative: String, depth: Int) {
            guard let dir = opendir(relative.isEmpty ? base : base + relative) else {
                if !relative.isEmpty { warnings.append(ScanWarning(path: relative, reason: "directory unreadable: \(String(cString: strerror(errno)))")) }
                return
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    guard lstat(base + path, &st) == 0 else { continue }
                    switch st.st_mode & S_IFMT {
                    case S_IFDIR: type = UInt8(DT_DIR)
                    case S_IFREG: type = UInt8(DT_REG)
                    default: continue
                    }
                }
                if type == UInt8(DT_REG) {
                    files.append(path)
                } else if type == UInt8(DT_DIR) {
                    if depth + 1 >= maxDepth {
                        warnings.append(ScanWarning(path: path, reason: "deeper than \(maxDepth) levels; not descended"))
                    } else {
                        visit(path, depth: depth + 1)
                    }
                }
            }
        }
        visit("", depth: 0)
        return (files.sorted(), warnings)
    }

    /// Text of a file, refusing binary content (NUL bytes or invalid UTF-8).
    static func text(_ data: Data, path: String) throws(KensaError) -> String {
        // memchr and the standard library's UTF-8 validation: Data's byte iterator and
        // Foundation's decoder were a few percent of a corpus scan.
        let hasNUL = data.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }
        if hasNUL { throw KensaError(.malformed, input: path, reason: "binary file (NUL bytes), not a manifest or Dockerfile") }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let body = data.starts(with: bom) ? data.dropFirst(3) : data[...]
        guard let s = body.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }) else {
            throw KensaError(.malformed, input: path, reason: "not valid UTF-8 text")
        }
        return s
    }

    enum FileResult: Sendable {
        /// The objects, and the findings of the checks that judge one object at a time.
        case objects([KubeObject], [Finding])
        case dockerfile([Finding])
        case failed(KensaError)
    }

    /// Parses and judges one file (everything that does not need the other files).
    static func scanFile(_ path: String, _ source: Source, _ kind: FileKind, maxBytes: Int, scanner: ConfigScanner) -> FileResult {
        do {
            let data: Data
            switch source {
            case .data(let d): data = d
            case .file(let file): data = try read(file, limit: maxBytes)
            }
            let t = try text(data, path: path)
            switch kind {
            case .manifest:
                let objects = try KubeReader.read(t, path: path)
                // Sorted here, on the worker: files arrive in path order, so the final sort
                // (a run-detecting merge sort) only merges runs.
                return .objects(objects, scanner.scanEach(objects: objects).sorted())
            case .dockerfile: return .dockerfile(scanner.scan(dockerfile: try DockerfileParser.parse(t, path: path)))
            }
        } catch {
            return .failed(error)
        }
    }

    static func scanTexts(_ inputs: [(String, Source, FileKind)], strict: Bool, options: ConfigScanOptions) throws(KensaError) -> ConfigScanResult {
        var objects: [KubeObject] = []
        var warnings: [ScanWarning] = []
        var findings: [Finding] = []
        var dockerfiles = 0
        let scanner = ConfigScanner(checks: options.checks)
        // Files are independent until the set-wide checks: parse them on every core, keep input order.
        let maxBytes = options.maxFileBytes
        let results = parallelMap(inputs) { scanFile($0.0, $0.1, $0.2, maxBytes: maxBytes, scanner: scanner) }
        for (input, result) in zip(inputs, results) {
            switch result {
            case .objects(let o, let f): objects += o; findings += f
            case .dockerfile(let f): findings += f; dockerfiles += 1
            case .failed(let error):
                if strict { throw error }
                warnings.append(ScanWarning(path: input.0, reason: error.reason))
            }
        }
        findings += scanner.scanSet(objects: objects)
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
