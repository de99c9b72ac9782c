import Foundation

// Process exec events without a kernel module. First choice: the kernel's process events
// connector (netlink, CN_PROC), which needs CAP_NET_ADMIN in the initial network namespace.
// Fallback: scanning /proc at a fixed interval, which misses processes that live shorter than
// one interval. The observer used is reported, and each event carries it.

public final class ProcessWatcher: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case auto, connector, polling
    }

    public let observer: ProcessObserver
    public let pollInterval: Duration
    /// Why the connector was not used, when polling was chosen automatically.
    public let fallbackReason: String?
    private let lock = NSLock()
    private var stopped = false
    private var thread: Thread?
    private var sequence: UInt64 = 0
    private let onEvent: @Sendable (ProcessEvent) -> Void
    private let users = UserNames()
    private var connectorSocket: Int32 = -1

    public var isStopped: Bool { lock.withLock { stopped } }

    /// Starts watching; `onEvent` is called on the watcher's own thread.
    public init(mode: Mode, pollInterval: Duration = .milliseconds(100), onEvent: @escaping @Sendable (ProcessEvent) -> Void) throws(RuntimeError) {
        self.onEvent = onEvent
        self.pollInterval = pollInterval
        var reason: String?
        var socket: Int32 = -1
        if mode != .polling {
            switch ProcConnector.open() {
            case .success(let fd): socket = fd
            case .failure(let e):
                if mode == .connector { throw e }
                reason = e.reason
            }
        }
        self.connectorSocket = socket
        self.observer = socket >= 0 ? .procConnector : .procPolling
        self.fallbackReason = reason
        let fd = socket
        let t = Thread { [self] in
            if fd >= 0 { self.runConnector(fd) } else { self.runPolling() }
        }
        t.name = "kensa-process-watcher"
        thread = t
        t.start()
    }

    public func stop() {
        lock.withLock { stopped = true }
    }

    func nextNumber() -> UInt64 {
        lock.withLock {
            sequence += 1
            return sequence
        }
    }

    func emit(_ p: ProcessSnapshot, type: String) {
        let event = ProcessEvent(number: nextNumber(), type: type, time: Self.now(), process: p,
                                 ancestors: ProcFS.ancestors(of: p), userName: users.name(p.uid), observer: observer)
        onEvent(event)
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    func runConnector(_ fd: Int32) {
        defer { close(fd) }
        let me = getpid()
        while !isStopped {
            let pids = ProcConnector.receiveExecs(fd)
            for pid in pids where pid != me {
                if let p = ProcFS.snapshot(pid) { emit(p, type: "execve") }
            }
        }
    }

    func runPolling() {
        // Processes running when polling starts are the baseline, not events.
        var known: [Int32: (UInt64, String)] = [:]
        for pid in ProcFS.pids() {
            if let st = ProcFS.startTime(pid) { known[pid] = (st, ProcFS.link("/proc/\(pid)/exe") ?? "") }
        }
        let me = getpid()
        while !isStopped {
            Thread.sleep(forTimeInterval: Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18)
            var alive: [Int32: (UInt64, String)] = [:]
            for pid in ProcFS.pids() where pid != me {
                guard let st = ProcFS.startTime(pid) else { continue }
                let exe = ProcFS.link("/proc/\(pid)/exe") ?? ""
                alive[pid] = (st, exe)
                // New pid, reused pid, or the same process after an exec of another program.
                if let old = known[pid], old.0 == st, old.1 == exe { continue }
                if let p = ProcFS.snapshot(pid) { emit(p, type: "execve") }
            }
            known = alive
        }
    }
}

enum ProcConnector {
    static let netlinkConnector: Int32 = 11
    static let cnIdxProc: UInt32 = 1
    static let cnValProc: UInt32 = 1
    static let procEventExec: UInt32 = 0x0000_0002

    /// Opens, binds and subscribes a netlink connector socket for process events.
    static func open() -> Result<Int32, RuntimeError> {
        #if os(Linux)
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkConnector)
        guard fd >= 0 else { return .failure(error("socket(AF_NETLINK, NETLINK_CONNECTOR)")) }
        // struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups; }; pid 0 lets the kernel choose.
        var addr = [UInt8](repeating: 0, count: 12)
        addr[0] = UInt8(AF_NETLINK & 0xFF)
        addr[1] = UInt8(AF_NETLINK >> 8)
        addr[8] = UInt8(cnIdxProc)
        let bound = addr.withUnsafeBytes { raw in
            bind(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        guard bound == 0 else { let e = error("bind to the proc connector group"); close(fd); return .failure(e) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var rcvbuf: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, socklen_t(MemoryLayout<Int32>.size))
        // nlmsghdr (16) + cn_msg (20) + op (4): PROC_CN_MCAST_LISTEN.
        var msg = [UInt8]()
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { msg += $0 } }
        func put16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { msg += $0 } }
        put32(40); put16(3 /* NLMSG_DONE */); put16(0); put32(0); put32(UInt32(bitPattern: getpid()))
        put32(cnIdxProc); put32(cnValProc); put32(0); put32(0); put16(4); put16(0)
        put32(1)
        let sent = msg.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == msg.count else { let e = error("subscribe to process events"); close(fd); return .failure(e) }
        return .success(fd)
        #else
        return .failure(RuntimeError(.io, input: "proc connector", reason: "the proc connector exists only on Linux"))
        #endif
    }

    static func error(_ what: String) -> RuntimeError {
        RuntimeError(.io, input: "proc connector", reason: "\(what) failed: \(String(cString: strerror(errno)))")
    }

    /// Waits up to the socket timeout and returns the tgids of exec events received.
    static func receiveExecs(_ fd: Int32) -> [Int32] {
        var buf = [UInt8](repeating: 0, count: 16384)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return [] }
        var out: [Int32] = []
        var offset = 0
        func u32(_ at: Int) -> UInt32 {
            UInt32(buf[at]) | UInt32(buf[at + 1]) << 8 | UInt32(buf[at + 2]) << 16 | UInt32(buf[at + 3]) << 24
        }
        while offset + 16 <= n {
            let len = Int(u32(offset))
            guard len >= 16, offset + len <= n else { break }
            // cn_msg at +16; proc_event at +36: what, cpu, timestamp, then the exec pair (pid, tgid).
            if len >= 36 + 24, u32(offset + 16) == cnIdxProc, u32(offset + 36) == procEventExec {
                out.append(Int32(bitPattern: u32(offset + 36 + 20)))
            }
            offset += (len + 3) & ~3
        }
        return out
    }
}
