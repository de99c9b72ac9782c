#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reads an audit log (JSON lines) from its start; with `follow` it keeps reading as the file
// grows and reopens it when it is rotated or truncated, like `tail -F`. Lines longer than
// `maxLineBytes` are reported as malformed and skipped, never buffered whole.

public struct AuditLogReader: Sendable {
    public var path: String
    public var follow: Bool
    public var pollInterval: Duration
    public var maxLineBytes: Int

    public init(path: String, follow: Bool, pollInterval: Duration = .milliseconds(200), maxLineBytes: Int = 16 << 20) {
        self.path = path
        self.follow = follow
        self.pollInterval = pollInterval
        self.maxLineBytes = maxLineBytes
    }

    public enum Line {
        case text(UnsafeBufferPointer<UInt8>)
        case oversized(Int)
    }

    /// Calls `onLine` with each non-empty line and its 1-based number (counted per opened file).
    public func run(_ onLine: (Line, Int) -> Void) async throws(RuntimeError) {
        var fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            guard follow else { throw RuntimeError(.io, input: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
            while fd < 0 {
                if Task.isCancelled { return }
                try? await Task.sleep(for: pollInterval)
                fd = open(path, O_RDONLY | O_CLOEXEC)
            }
        }
        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        defer { close(fd) }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RuntimeError(.io, input: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n > 0 {
                chunk.withUnsafeBufferPointer { splitter.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), onLine) }
                continue
            }
            // End of file.
            guard follow else {
                splitter.flush(onLine)
                return
            }
            if Task.isCancelled { splitter.flush(onLine); return }
            try? await Task.sleep(for: pollInterval)
            var onDisk = stat()
            var open_ = stat()
            let exists = stat(path, &onDisk) == 0
            guard fstat(fd, &open_) == 0 else { continue }
            if exists, onDisk.st_ino != open_.st_ino || onDisk.st_dev != open_.st_dev {
                // Rotated: the old file is fully read (we were at its end); continue with the new one.
                let next = open(path, O_RDONLY | O_CLOEXEC)
                if next >= 0 {
                    splitter.flush(onLine)
                    close(fd)
                    fd = next
                    splitter = LineSplitter(maxLineBytes: maxLineBytes)
                }
            } else if exists, onDisk.st_size < lseek(fd, 0, SEEK_CUR) {
                // Truncated in place (copytruncate): start again from the top.
                lseek(fd, 0, SEEK_SET)
                splitter = LineSplitter(maxLineBytes: maxLineBytes)
            }
        }
    }
}

struct LineSplitter {
    let maxLineBytes: Int
    var pending: [UInt8] = []
    var discarding = false
    var discarded = 0
    var lineNumber = 0

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func feed(_ data: UnsafeBufferPointer<UInt8>, _ onLine: (AuditLogReader.Line, Int) -> Void) {
        var start = 0
        var i = 0
        while i < data.count {
            if data[i] == 0x0A {
                lineNumber += 1
                if discarding {
                    onLine(.oversized(discarded + i - start), lineNumber)
                    discarding = false
                    discarded = 0
                } else if pending.isEmpty {
                    emit(UnsafeBufferPointer(rebasing: data[start..<i]), onLine)
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: data[start..<i]))
                    pending.withUnsafeBufferPointer { emit($0, onLine) }
                    pending.removeAll(keepingCapacity: pending.count < (1 << 20))
                }
                start = i + 1
            }
            i += 1
        }
        let rest = UnsafeBufferPointer(rebasing: data[start..<data.count])
        if discarding {
            discarded += rest.count
        } else if pending.count + rest.count > maxLineBytes {
            discarding = true
            discarded = pending.count + rest.count
            pending = []
        } else {
            pending.append(contentsOf: rest)
        }
    }

    mutating func flush(_ onLine: (AuditLogReader.Line, Int) -> Void) {
        if discarding {
            lineNumber += 1
            onLine(.oversized(discarded), lineNumber)
        } else if !pending.isEmpty {
            lineNumber += 1
            pending.withUnsafeBufferPointer { emit($0, onLine) }
        }
        pending = []
        discarding = false
        discarded = 0
    }

    func emit(_ line: UnsafeBufferPointer<UInt8>, _ onLine: (AuditLogReader.Line, Int) -> Void) {
        var end = line.count
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        var blank = true
        for j in 0..<end where line[j] != 0x20 && line[j] != 0x09 { blank = false; break }
        if blank { return }
        onLine(.text(UnsafeBufferPointer(rebasing: line[0..<end])), lineNumber)
    }
}
