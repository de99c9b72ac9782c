#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams standard input line by line in fixed-size chunks, so `kensa debug` handles inputs
/// of any size in constant memory; a line longer than the bound is reported, not buffered.
enum DebugLineReader {
    static let maximumLineLength = 1 << 20

    static func forEachLine(_ body: (String) -> Void, onOversizedLine: () -> Void) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var line: [UInt8] = []
        var oversized = false
        func finish() {
            if oversized {
                onOversizedLine()
            } else {
                if line.last == 0x0D { line.removeLast() }
                body(String(decoding: line, as: UTF8.self))
            }
            line.removeAll(keepingCapacity: true)
            oversized = false
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == 0x0A {
                if !oversized { line.append(contentsOf: chunk[start..<i]) }
                finish()
                start = i + 1
            }
            if start < n && !oversized {
                line.append(contentsOf: chunk[start..<n])
                if line.count > maximumLineLength {
                    oversized = true
                    line.removeAll(keepingCapacity: false)
                }
            }
        }
        if !line.isEmpty || oversized { finish() }
    }

    /// Splits at the first tab; nil when there is none.
    static func twoFields(_ line: String) -> (String, String)? {
        guard let tab = line.utf8.firstIndex(of: 0x09) else { return nil }
        return (String(line[..<tab]), String(line[line.utf8.index(after: tab)...]))
    }
}

/// Buffered standard output: one write(2) per 64 KiB instead of one per line.
final class DebugOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { writeStandardOutput($0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

private func writeStandardOutput(_ p: UnsafeRawPointer?, _ n: Int) -> Int {
    write(1, p, n)
}
