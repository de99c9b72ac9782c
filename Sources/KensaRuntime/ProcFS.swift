import Foundation

// Reads what the process fields need from /proc: comm, exe, cmdline, status (PPid, Uid),
// cgroup, cwd, stat (tty_nr, start time) and loginuid. Every read is bounded in size.

enum ProcFS {
    static let maxRead = 1 << 16
    static let maxAncestors = 32

    static func read(_ path: String, limit: Int = maxRead) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = buf.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<min(n, limit - out.count)]
        }
        return out
    }

    static func text(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func link(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buf, 4096)
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A snapshot of a live process, or nil if it is gone.
    static func snapshot(_ pid: Int32) -> ProcessSnapshot? {
        let dir = "/proc/\(pid)"
        guard let status = text(dir + "/status") else { return nil }
        var ppid: Int32 = 0
        var uid: UInt32 = 0
        var vpid = pid
        var name = ""
        for line in status.split(separator: "\n") {
            if line.hasPrefix("PPid:") { ppid = Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) ?? 0 }
            else if line.hasPrefix("Uid:") { uid = UInt32(line.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).first ?? "") ?? 0 }
            else if line.hasPrefix("NSpid:") { vpid = Int32(line.split(whereSeparator: { $0 == "\t" || $0 == " " }).last ?? "") ?? pid }
            else if line.hasPrefix("Name:") { name = line.dropFirst(5).trimmingCharacters(in: .whitespaces) }
        }
        if let comm = text(dir + "/comm") { name = comm.hasSuffix("\n") ? String(comm.dropLast()) : comm }
        let argv = (read(dir + "/cmdline") ?? []).split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var args = argv
        while args.last == "" { args.removeLast() }
        var exe = link(dir + "/exe") ?? ""
        if exe.hasSuffix(" (deleted)") { exe.removeLast(10) }
        var tty: Int64 = 0
        if let stat = text(dir + "/stat"), let close = stat.lastIndex(of: ")") {
            // Fields after the parenthesised comm: state ppid pgrp session tty_nr ...
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            if rest.count > 4 { tty = Int64(rest[4]) ?? 0 }
        }
        var loginuid: Int64 = -1
        if let l = text(dir + "/loginuid"), let v = Int64(l.trimmingCharacters(in: .whitespacesAndNewlines)), v != 4_294_967_295 {
            loginuid = v
        }
        return ProcessSnapshot(pid: pid, ppid: ppid, name: name, exepath: exe, argv: args, uid: uid,
                           cgroup: text(dir + "/cgroup") ?? "", cwd: link(dir + "/cwd"), tty: tty, loginuid: loginuid, vpid: vpid,
                           env: (read(dir + "/environ") ?? []).split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }

    static func ancestors(of p: ProcessSnapshot) -> [ProcessSnapshot] {
        var out: [ProcessSnapshot] = []
        var next = p.ppid
        while next > 0, out.count < maxAncestors, let a = snapshot(next) {
            out.append(a)
            if a.ppid == next { break }
            next = a.ppid
        }
        return out
    }

    /// Start time in clock ticks after boot (field 22 of stat): tells a reused pid apart.
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let stat = text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        return rest.count > 19 ? UInt64(rest[19]) : nil
    }

    static func pids() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { Int32($0) }.sorted()
    }
}

/// uid → user name, from the passwd database, cached.
final class UserNames: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [UInt32: String?] = [:]

    func name(_ uid: UInt32) -> String? {
        if let hit = lock.withLock({ cache[uid] }) { return hit }
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buf = [CChar](repeating: 0, count: 4096)
        var name: String?
        if getpwuid_r(uid, &pwd, &buf, buf.count, &result) == 0, result != nil, let n = pwd.pw_name {
            name = String(cString: n)
        }
        lock.withLock { cache[uid] = .some(name) }
        return name
    }
}
