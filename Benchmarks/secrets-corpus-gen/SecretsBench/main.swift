// A stop-gap benchmark driver until `kensa fs --scanners secret` is wired: walks a directory,
// runs KensaSecrets on every file it wants (streaming files above 1 MiB), and writes the
// findings in Trivy's JSON shape (Results[].Target, Secrets[].RuleID/StartLine/EndLine) so
// the bench kit's scorer reads kensa and Trivy output alike.
//
//   secrets-bench DIR [-o OUT.json] [-j THREADS] [--max-size BYTES]
import Foundation
import KensaCore
import KensaSecrets

struct Options {
    var root = ""
    var output: String?
    var threads = 2
    var maxSize: Int64 = 10 << 20
}

func parseOptions() -> Options? {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    while let a = args.popFirst() {
        switch a {
        case "-o": o.output = args.popFirst()
        case "-j": o.threads = args.popFirst().flatMap(Int.init) ?? 2
        case "--max-size": o.maxSize = args.popFirst().flatMap(Int64.init) ?? o.maxSize
        default: o.root = a
        }
    }
    return o.root.isEmpty ? nil : o
}

guard let options = parseOptions() else {
    FileHandle.standardError.write(Data("usage: secrets-bench DIR [-o OUT.json] [-j THREADS] [--max-size BYTES]\n".utf8))
    exit(2)
}

/// Regular files under root, sorted, without following symbolic links.
func walk(_ root: String) -> [(path: String, size: Int64)] {
    var out: [(String, Int64)] = []
    var stack = [root]
    while let dir = stack.popLast() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
        for name in names {
            let full = dir + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR { stack.append(full) }
            else if (st.st_mode & S_IFMT) == S_IFREG { out.append((full, Int64(st.st_size))) }
        }
    }
    return out.sorted { $0.0 < $1.0 }
}

let scanner = SecretScanner(maxFileSize: options.maxSize)
let files = walk(options.root).filter { scanner.wants(path: $0.path, size: $0.size) }

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var byFile: [Int: [Finding]] = [:]
    private(set) var bytes: Int64 = 0
    func add(_ i: Int, _ f: [Finding], _ n: Int64) {
        lock.lock(); defer { lock.unlock() }
        if !f.isEmpty { byFile[i] = f }
        bytes += n
    }
    var all: [Int: [Finding]] { lock.lock(); defer { lock.unlock() }; return byFile }
}

let results = Results()
let next = ManagedAtomicCounter()
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
}

let started = Date()
DispatchQueue.concurrentPerform(iterations: max(1, options.threads)) { _ in
    while true {
        let i = next.take()
        guard i < files.count else { return }
        let (path, size) = files[i]
        let found: [Finding]
        if size > 8 << 20 {  // whole files below 8 MiB: one read; larger ones stream in 1 MiB reads
            found = (try? scanner.scanFile(atPath: path, reportAs: path)) ?? []
        } else if let data = FileManager.default.contents(atPath: path) {
            found = scanner.scan(path: path, content: data)
        } else {
            found = []
        }
        results.add(i, found, size)
    }
}
let elapsed = Date().timeIntervalSince(started)

var out: [[String: Any]] = []
for (i, findings) in results.all.sorted(by: { $0.key < $1.key }) {
    out.append([
        "Target": files[i].path,
        "Class": "secret",
        "Secrets": findings.map { f -> [String: Any] in
            ["RuleID": f.id, "Category": f.category ?? "", "Severity": f.severity.rawValue, "Title": f.title,
             "StartLine": f.location.startLine ?? 0, "EndLine": f.location.endLine ?? 0, "Match": f.match ?? ""]
        },
    ])
}
let json = try JSONSerialization.data(withJSONObject: ["Results": out], options: [.prettyPrinted, .sortedKeys])
if let path = options.output {
    // fopen, not FileManager.createFile: the latter replaces the path atomically, which
    // would turn `-o /dev/null` into a regular file
    guard let file = fopen(path, "w") else {
        FileHandle.standardError.write(Data("secrets-bench: \(path): cannot open for writing\n".utf8))
        exit(2)
    }
    json.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
} else {
    FileHandle.standardOutput.write(json)
}
let count = results.all.values.reduce(0) { $0 + $1.count }
FileHandle.standardError.write(Data(String(format: "%d files, %.1f MB, %d findings in %.2f s (%.0f MB/s)\n",
    files.count, Double(results.bytes) / 1e6, count, elapsed, Double(results.bytes) / 1e6 / max(elapsed, 1e-9)).utf8))
