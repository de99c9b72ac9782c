#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KensaCore

/// Walks a root filesystem or project directory in place. Symlinks are never followed: every
/// directory is opened relative to its parent with O_NOFOLLOW, so a link swapped in during the
/// walk cannot lead outside either. Entries are visited in byte order of their names.
public enum DirectoryTree {
    /// Walks `root` without following symlinks; unreadable files become warnings; skips nothing
    /// except `skipDirs` (paths relative to root, e.g. ["proc", "sys", "dev"]).
    public static func walk(root: String, skipDirs: [String], wants: FileWants, visit: FileVisit) throws -> LayerWalk {
        try walk(root: root, skipDirs: skipDirs, limits: .default, wants: wants, visit: visit)
    }

    public static func walk(root: String, skipDirs: [String], limits: ReadLimits,
                            wants: FileWants, visit: FileVisit) throws -> LayerWalk {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw KensaError(.unreadable, input: root, reason: errnoText())
        }
        defer { close(fd) }
        var skip: Set<String> = []
        for d in skipDirs {
            if case .path(let p) = MemberPath.normalise(d) { skip.insert(p) }
        }
        var walker = Walker(root: root, skip: skip, limits: limits)
        try walker.directory(fd: fd, relative: "", depth: 0, wants: wants, visit: visit)
        return walker.recorder.walk
    }

    private struct Walker {
        let root: String
        let skip: Set<String>
        let limits: ReadLimits
        var recorder: EntryRecorder

        init(root: String, skip: Set<String>, limits: ReadLimits) {
            self.root = root
            self.skip = skip
            self.limits = limits
            recorder = EntryRecorder(limits: limits, layerLabel: nil)
            recorder.interpretsWhiteouts = false
        }

        mutating func directory(fd: Int32, relative: String, depth: Int, wants: FileWants, visit: FileVisit) throws {
            let names: [String]
            do {
                names = try Self.list(fd)
            } catch {
                recorder.warn(path: relative, reason: "directory unreadable: \(errnoText(error.code))")
                return
            }
            for name in names {
                let path = MemberPath.join(relative, name)
                try recorder.countEntry(input: root)
                var info = stat()
                guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    recorder.warn(path: path, reason: "cannot stat: \(errnoText())")
                    continue
                }
                let mode = UInt32(info.st_mode) & 0o7777
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if skip.contains(path) { continue }
                    _ = recorder.admit(rawPath: path, size: 0, mode: mode, kind: .directory, linkTarget: nil)
                    guard depth + 1 < limits.maxDepth else {
                        recorder.warn(path: path, reason: "deeper than \(limits.maxDepth) levels; not descended")
                        continue
                    }
                    let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard child >= 0 else {
                        recorder.warn(path: path, reason: "directory unreadable: \(errnoText())")
                        continue
                    }
                    defer { close(child) }
                    try directory(fd: child, relative: path, depth: depth + 1, wants: wants, visit: visit)
                case S_IFLNK:
                    let target = Self.readLink(fd, name)
                    if target == nil { recorder.warn(path: path, reason: "cannot read symlink: \(errnoText())") }
                    _ = recorder.admit(rawPath: path, size: Int64(info.st_size), mode: mode, kind: .symlink,
                                       linkTarget: target ?? "")
                case S_IFREG:
                    guard let header = recorder.admit(rawPath: path, size: Int64(info.st_size), mode: mode,
                                                      kind: .regular, linkTarget: nil),
                          wants(header), recorder.allowsSize(header) else { continue }
                    switch Self.readFile(fd, name, expected: header.size, limit: limits.maxWantedFileSize) {
                    case .success(let data):
                        var read = header
                        read.size = Int64(data.count)
                        recorder.walk.bytesRead += Int64(data.count)
                        try visit(read, data)
                    case .failure(let error):
                        recorder.warn(path: path, reason: "unreadable: \(errnoText(error.code))")
                    }
                default:
                    _ = recorder.admit(rawPath: path, size: 0, mode: mode, kind: .other, linkTarget: nil)
                }
            }
        }

        /// Names in the directory, sorted by bytes; "." and ".." left out.
        private static func list(_ fd: Int32) throws(Errno) -> [String] {
            let dupFD = dup(fd)
            guard dupFD >= 0, let dir = fdopendir(dupFD) else {
                let code = errno
                if dupFD >= 0 { close(dupFD) }
                throw Errno(code: code)
            }
            defer { closedir(dir) }
            var names: [[UInt8]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    let end = bytes.firstIndex(of: 0) ?? bytes.count
                    return Array(bytes[0..<end])
                }
                if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                names.append(name)
            }
            names.sort { $0.lexicographicallyPrecedes($1) }
            return names.map { String(decoding: $0, as: UTF8.self) }
        }

        private static func readLink(_ fd: Int32, _ name: String) -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = readlinkat(fd, name, &buffer, buffer.count)
            guard n >= 0 else { return nil }
            return String(decoding: buffer[0..<n], as: UTF8.self)
        }

        private static func readFile(_ dirFD: Int32, _ name: String, expected: Int64, limit: Int64) -> Result<Data, Errno> {
            let fd = openat(dirFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { return .failure(Errno(code: errno)) }
            defer { close(fd) }
            var out = Data()
            out.reserveCapacity(Int(min(max(0, expected), limit)))
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return .failure(Errno(code: errno))
                }
                if n == 0 { break }
                out.append(contentsOf: chunk[0..<n])
                // A file that grows while being read stays within the limit.
                if Int64(out.count) > limit { return .failure(Errno(code: EFBIG)) }
            }
            return .success(out)
        }
    }
}

struct Errno: Error {
    var code: Int32
}
