#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KensaCore

/// A byte range of a file (a whole blob, or a member of an uncompressed outer tar), read with
/// `pread` through its own descriptor so that several layers of one archive can be read at
/// once from different threads.
final class BlobRegion {
    let name: String
    let length: Int64
    private let fd: Int32
    private let start: Int64
    private(set) var position: Int64 = 0

    init(file: String, offset: Int64, length: Int64, name: String) throws {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw KensaError(.unreadable, input: name, reason: "cannot open \(file): \(errnoText())")
        }
        self.fd = fd
        self.start = offset
        self.length = length
        self.name = name
    }

    deinit { close(fd) }

    var remaining: Int64 { length - position }

    /// Reads up to `count` bytes at the current position; 0 at the end of the region.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let want = Int(min(Int64(count), remaining))
        if want <= 0 { return 0 }
        while true {
            let n = pread(fd, buffer, want, off_t(start + position))
            if n >= 0 {
                position += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw KensaError(.unreadable, input: name, reason: "read failed: \(errnoText())")
        }
    }

    /// Reads exactly `count` bytes at `offset` within the region, without moving the position.
    func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
        guard count > 0, offset >= 0, offset < length else { return [] }
        let want = Int(min(Int64(count), length - offset))
        var out = [UInt8](repeating: 0, count: want)
        var got = 0
        while got < want {
            let n = out.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return pread(fd, base + got, want - got, off_t(start + offset + Int64(got)))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw KensaError(.unreadable, input: name, reason: "read failed: \(errnoText())")
            }
            if n == 0 { break }
            got += n
        }
        return Array(out[..<got])
    }

    func skip(_ count: Int64) -> Int64 {
        let n = max(0, min(count, remaining))
        position += n
        return n
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
