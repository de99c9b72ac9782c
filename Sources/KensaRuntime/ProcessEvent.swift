// A process event (exec or exit) as kensa observes it without a kernel module: from the proc
// connector, from /proc polling, or replayed from a recording.

public struct ProcessSnapshot: Sendable, Equatable {
    public var pid: Int32
    public var ppid: Int32
    /// The kernel's `comm` (at most 15 bytes), which Falco calls proc.name.
    public var name: String
    public var exepath: String
    /// argv, argv[0] included.
    public var argv: [String]
    public var uid: UInt32
    public var cgroup: String
    public var cwd: String?
    /// The controlling terminal's device number (`tty_nr`), 0 for none.
    public var tty: Int64
    /// The audit login uid; -1 when unset.
    public var loginuid: Int64
    /// The pid inside the process's own pid namespace (last NSpid entry).
    public var vpid: Int32
    /// The environment (`KEY=value` entries), when it could be read.
    public var env: [String]

    public init(pid: Int32, ppid: Int32, name: String, exepath: String, argv: [String], uid: UInt32, cgroup: String,
                cwd: String? = nil, tty: Int64 = 0, loginuid: Int64 = -1, vpid: Int32? = nil, env: [String] = []) {
        self.pid = pid
        self.ppid = ppid
        self.name = name
        self.exepath = exepath
        self.argv = argv
        self.uid = uid
        self.cgroup = cgroup
        self.cwd = cwd
        self.tty = tty
        self.loginuid = loginuid
        self.vpid = vpid ?? pid
        self.env = env
    }

    /// Falco's proc.cmdline: the name followed by the arguments.
    public var cmdline: String { ([name] + argv.dropFirst()).joined(separator: " ") }
    public var args: String { argv.dropFirst().joined(separator: " ") }
}

public enum ProcessObserver: String, Sendable {
    case procConnector = "proc_connector"
    case procPolling = "proc_polling"
    case replay
}

public final class ProcessEvent: Sendable {
    /// A sequence number from the observer (Falco's evt.num).
    public let number: UInt64
    public let type: String
    public let time: Int64
    public let process: ProcessSnapshot
    /// Parent first, then grandparent, and so on.
    public let ancestors: [ProcessSnapshot]
    public let userName: String?
    public let observer: ProcessObserver

    public init(number: UInt64, type: String, time: Int64, process: ProcessSnapshot, ancestors: [ProcessSnapshot], userName: String?,
                observer: ProcessObserver) {
        self.number = number
        self.type = type
        self.time = time
        self.process = process
        self.ancestors = ancestors
        self.userName = userName
        self.observer = observer
    }

    /// The container id as Falco shows it (12 hex digits), or "host".
    public var containerID: String { ContainerID.fromCgroup(process.cgroup) ?? "host" }
}

enum ContainerID {
    /// Finds a 64-hex-digit id in a cgroup path, as docker, containerd, CRI-O and kubepods write it.
    static func fromCgroup(_ text: String) -> String? {
        for line in text.split(whereSeparator: { $0 == "\n" }) {
            let path = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).last ?? line[...]
            for component in path.split(separator: "/").reversed() {
                let bytes = Array(component.utf8)
                var run = 0
                for (i, b) in bytes.enumerated() {
                    let hex = (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)
                    run = hex ? run + 1 : 0
                    if run == 64, i + 1 == bytes.count || !isHex(bytes[i + 1]) {
                        let start = i - 63
                        return String(decoding: bytes[start..<(start + 12)], as: UTF8.self)
                    }
                }
            }
        }
        return nil
    }

    static func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) }
}
