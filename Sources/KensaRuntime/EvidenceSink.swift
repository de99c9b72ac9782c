import Foundation

// One directory per alert: the alert, the event, and for process events the process tree and
// the open files and sockets read from /proc at alert time, with a SHA-256 manifest of it all.

public final class EvidenceSink: AlertSink, @unchecked Sendable {
    let root: String
    let diagnostics: @Sendable (String) -> Void
    private let lock = NSLock()
    private var counter = 0
    /// Bundles beyond this many are not written (a flood must not fill the disk).
    public let maxBundles: Int

    public init(directory: String, maxBundles: Int = 10_000, diagnostics: @escaping @Sendable (String) -> Void) throws(RuntimeError) {
        do {
            // Evidence holds command lines and environments: readable by the owner only.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw RuntimeError(.io, input: directory, reason: "cannot create the evidence directory")
        }
        self.root = directory
        self.maxBundles = maxBundles
        self.diagnostics = diagnostics
    }

    public func deliver(_ alert: Alert, event: EventRecord) {
        let n: Int = lock.withLock {
            counter += 1
            return counter
        }
        guard n <= maxBundles else { return }
        let slug = String(alert.rule.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(60))
        let name = "\(Timestamp.iso8601(alert.time).replacingOccurrences(of: ":", with: ""))-\(String(format: "%05d", n))-\(slug)"
        let dir = root + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            var files: [(String, [UInt8])] = [("alert.json", Array((alert.jsonLine + "\n").utf8))]
            switch event {
            case .audit(let e):
                files.append(("event.json", Array((e.json.compactJSON + "\n").utf8)))
            case .process(let e):
                files.append(("event.json", Array((e.jsonObject.compactJSON + "\n").utf8)))
                files.append(("process-tree.json", Array((Self.processTree(e).compactJSON + "\n").utf8)))
                let (open, sockets) = Self.openFilesAndSockets(e.process.pid)
                files.append(("open-files.json", Array((open.compactJSON + "\n").utf8)))
                files.append(("sockets.json", Array((sockets.compactJSON + "\n").utf8)))
            }
            var manifest = ""
            for (file, bytes) in files.sorted(by: { $0.0 < $1.0 }) {
                try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + file))
                manifest += "\(SHA256.hex(bytes))  \(file)\n"
            }
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: dir + "/MANIFEST.sha256"))
        } catch {
            diagnostics("evidence \(dir): \(error)")
        }
    }

    public func finish() async {}

    static func processTree(_ e: ProcessEvent) -> JSONValue {
        // The process, its ancestors (as seen at the event), and its live children now.
        var children: [JSONValue] = []
        for pid in ProcFS.pids() {
            guard let status = ProcFS.text("/proc/\(pid)/status") else { continue }
            for line in status.split(separator: "\n") where line.hasPrefix("PPid:") {
                if Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) == e.process.pid, let c = ProcFS.snapshot(pid) {
                    children.append(c.jsonObject)
                }
            }
        }
        return .object([
            JSONMember("ancestors", .array(e.ancestors.map(\.jsonObject))),
            JSONMember("children", .array(children)),
            JSONMember("process", e.process.jsonObject),
        ])
    }

    /// The process's descriptors (readlink of /proc/PID/fd/*) and the sockets among them,
    /// resolved through /proc/PID/net/{tcp,tcp6,udp,udp6,unix}.
    static func openFilesAndSockets(_ pid: Int32) -> (JSONValue, JSONValue) {
        let fdDir = "/proc/\(pid)/fd"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: fdDir)) ?? []).compactMap(Int.init).sorted()
        var files: [JSONValue] = []
        var socketInodes: [String: Int] = [:]
        for fd in names.prefix(4096) {
            guard let target = ProcFS.link("\(fdDir)/\(fd)") else { continue }
            files.append(.object([JSONMember("fd", .number(String(fd))), JSONMember("target", .string(target))]))
            if target.hasPrefix("socket:["), target.hasSuffix("]") {
                socketInodes[String(target.dropFirst(8).dropLast())] = fd
            }
        }
        var sockets: [JSONValue] = []
        for proto in ["tcp", "tcp6", "udp", "udp6"] {
            guard let table = ProcFS.text("/proc/\(pid)/net/\(proto)") else { continue }
            for line in table.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: " ")
                guard cols.count > 9, let fd = socketInodes[String(cols[9])] else { continue }
                sockets.append(.object([
                    JSONMember("fd", .number(String(fd))), JSONMember("protocol", .string(proto)),
                    JSONMember("local", .string(decodeAddress(String(cols[1])))), JSONMember("remote", .string(decodeAddress(String(cols[2])))),
                    JSONMember("state", .string(String(cols[3]))),
                ]))
            }
        }
        if let table = ProcFS.text("/proc/\(pid)/net/unix") {
            for line in table.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: " ")
                guard cols.count > 6, let fd = socketInodes[String(cols[6])] else { continue }
                sockets.append(.object([
                    JSONMember("fd", .number(String(fd))), JSONMember("protocol", .string("unix")),
                    JSONMember("path", .string(cols.count > 7 ? String(cols[7]) : "")),
                ]))
            }
        }
        return (.array(files), .array(sockets))
    }

    /// `0100007F:1F90` → `127.0.0.1:8080`; IPv6 addresses are kept as the kernel's hex.
    static func decodeAddress(_ s: String) -> String {
        let parts = s.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1], radix: 16) else { return s }
        if parts[0].count == 8, let v = UInt32(parts[0], radix: 16) {
            return "\(v & 0xFF).\((v >> 8) & 0xFF).\((v >> 16) & 0xFF).\(v >> 24):\(port)"
        }
        return "[\(parts[0])]:\(port)"
    }
}
