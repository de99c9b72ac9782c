import Foundation
import Synchronization
@testable import KensaArtifact
import KensaCore

/// Writes tar archives header by header, so tests control every byte of hostile input
/// (raw names, `..`, links anywhere) without depending on a tar tool's sanitising.
struct TarBuilder {
    enum EntryType: UInt8 {
        case file = 0x30, hardlink = 0x31, symlink = 0x32, directory = 0x35, fifo = 0x36
    }

    var bytes: [UInt8] = []

    mutating func file(_ name: String, _ content: String, mode: Int = 0o644) {
        entry(Array(name.utf8), type: .file, content: Array(content.utf8), mode: mode)
    }

    mutating func file(_ name: String, bytes content: [UInt8], mode: Int = 0o644) {
        entry(Array(name.utf8), type: .file, content: content, mode: mode)
    }

    mutating func directory(_ name: String) {
        entry(Array(name.utf8), type: .directory, content: [], mode: 0o755)
    }

    mutating func symlink(_ name: String, to target: String) {
        entry(Array(name.utf8), type: .symlink, content: [], mode: 0o777, link: Array(target.utf8))
    }

    mutating func hardlink(_ name: String, to target: String) {
        entry(Array(name.utf8), type: .hardlink, content: [], mode: 0o644, link: Array(target.utf8))
    }

    /// A header only, announcing `size` bytes that the caller streams separately.
    static func header(name: String, size: Int64) -> [UInt8] {
        var b = TarBuilder()
        b.appendHeader(Array(name.utf8), type: .file, size: size, mode: 0o644, link: [])
        return b.bytes
    }

    mutating func entry(_ name: [UInt8], type: EntryType, content: [UInt8], mode: Int, link: [UInt8] = []) {
        if name.count > 100 {
            // GNU long name: a 'L' entry whose data is the name.
            var longName = name + [0]
            appendHeader(Array("././@LongLink".utf8), rawType: UInt8(ascii: "L"), size: Int64(longName.count), mode: 0, link: [])
            longName += [UInt8](repeating: 0, count: (512 - longName.count % 512) % 512)
            bytes += longName
        }
        appendHeader(Array(name.prefix(100)), type: type, size: Int64(content.count), mode: mode, link: link)
        bytes += content
        bytes += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }

    mutating func appendHeader(_ name: [UInt8], type: EntryType, size: Int64, mode: Int, link: [UInt8]) {
        appendHeader(name, rawType: type.rawValue, size: size, mode: mode, link: link)
    }

    mutating func appendHeader(_ name: [UInt8], rawType: UInt8, size: Int64, mode: Int, link: [UInt8]) {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int, width: Int) {
            for (i, b) in field.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ v: Int64, width: Int) -> [UInt8] {
            Array(String(v, radix: 8).leftPad(to: width - 1).utf8) + [0]
        }
        put(name, at: 0, width: 100)
        put(octal(Int64(mode), width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(1_700_000_000, width: 12), at: 136, width: 12)
        h[156] = rawType
        put(link, at: 157, width: 100)
        put(Array("ustar\u{0}00".utf8), at: 257, width: 8)
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array(String(sum, radix: 8).leftPad(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148, width: 8)
        bytes += h
    }

    mutating func finish() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }
}

extension String {
    func leftPad(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// A temporary directory, removed when the test process exits (not at deinit: an optimised
/// build may end the value's lifetime before the last use of a path inside it).
final class TempDir: Sendable {
    let path: String
    private static let created = Mutex<[String]>([])

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-artifact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
        let first = Self.created.withLock { list in
            list.append(base.path)
            return list.count == 1
        }
        if first { atexit { TempDir.removeAll() } }
    }

    private static func removeAll() {
        for p in created.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: p) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs a shell command; throws with its output when it fails.
@discardableResult
func sh(_ command: String, in dir: String? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard p.terminationStatus == 0 else {
        throw CommandFailed(description: "`\(command)` exited \(p.terminationStatus): \(text)")
    }
    return text
}

func gzip(_ bytes: [UInt8], in dir: TempDir, level: Int = 6) throws -> [UInt8] {
    let raw = try dir.write("gz-in-\(UUID().uuidString)", bytes)
    try sh("gzip -\(level) -n -c '\(raw)' > '\(raw).gz'")
    return Array(try Data(contentsOf: URL(fileURLWithPath: raw + ".gz")))
}

/// Walks a standalone layer and collects every wanted file's content.
func walkFile(_ path: String, limits: ReadLimits = .default,
              wants: @escaping FileWants = { _ in true }) throws -> (LayerWalk, [String: Data], [FileHeader]) {
    var contents: [String: Data] = [:]
    var headers: [FileHeader] = []
    let walk = try LayerFile.walk(path: path, limits: limits, wants: wants) { header, data in
        contents[header.path] = data
        headers.append(header)
    }
    return (walk, contents, headers)
}

func text(_ data: Data?) -> String? {
    data.map { String(decoding: $0, as: UTF8.self) }
}
