// kensa's recording format for process events (one JSON object per line), used by `--replay`
// and in evidence bundles.

extension ProcessSnapshot {
    var jsonObject: JSONValue {
        var m = [
            JSONMember("argv", .array(argv.map { .string($0) })),
            JSONMember("cgroup", .string(cgroup)),
        ]
        if let cwd { m.append(JSONMember("cwd", .string(cwd))) }
        m.append(JSONMember("env", .array(env.map { .string($0) })))
        m += [
            JSONMember("exepath", .string(exepath)),
            JSONMember("loginuid", .number(String(loginuid))),
            JSONMember("name", .string(name)),
            JSONMember("pid", .number(String(pid))),
            JSONMember("ppid", .number(String(ppid))),
            JSONMember("tty", .number(String(tty))),
            JSONMember("uid", .number(String(uid))),
            JSONMember("vpid", .number(String(vpid))),
        ]
        return .object(m)
    }

    init(json: JSONValue, at: String) throws(RuntimeError) {
        func fail(_ r: String) -> RuntimeError { RuntimeError(.event, input: at, reason: r) }
        guard case .object = json else { throw fail("process must be an object") }
        func int(_ k: String) -> Int64? {
            if case .number(let n)? = json[k] { return Int64(n) }
            return nil
        }
        guard let pid = int("pid"), let p32 = Int32(exactly: pid) else { throw fail("process.pid missing or not a 32-bit number") }
        guard let name = json["name"]?.stringValue else { throw fail("process.name missing") }
        var argv: [String] = []
        if let a = json["argv"] {
            guard let items = a.arrayValue else { throw fail("process.argv must be a list of strings") }
            for i in items {
                guard let s = i.stringValue else { throw fail("process.argv must be a list of strings") }
                argv.append(s)
            }
        }
        var env: [String] = []
        for i in json["env"]?.arrayValue ?? [] {
            guard let s = i.stringValue else { throw fail("process.env must be a list of strings") }
            env.append(s)
        }
        self.init(pid: p32, ppid: Int32(exactly: int("ppid") ?? 0) ?? 0, name: name, exepath: json["exepath"]?.stringValue ?? "",
                  argv: argv, uid: UInt32(exactly: int("uid") ?? 0) ?? 0, cgroup: json["cgroup"]?.stringValue ?? "",
                  cwd: json["cwd"]?.stringValue, tty: int("tty") ?? 0, loginuid: int("loginuid") ?? -1,
                  vpid: int("vpid").flatMap { Int32(exactly: $0) }, env: env)
    }
}

extension ProcessEvent {
    public var jsonObject: JSONValue {
        var m = [
            JSONMember("ancestors", .array(ancestors.map(\.jsonObject))),
            JSONMember("number", .number(String(number))),
            JSONMember("observer", .string(observer.rawValue)),
            JSONMember("process", process.jsonObject),
            JSONMember("time", .string(Timestamp.iso8601(time))),
            JSONMember("type", .string(type)),
        ]
        if let userName { m.append(JSONMember("user", .string(userName))) }
        return .object(m)
    }

    /// Reads a recorded event; the observer becomes `replay`.
    public convenience init(json: JSONValue, at: String) throws(RuntimeError) {
        guard case .object = json, let p = json["process"] else {
            throw RuntimeError(.event, input: at, reason: "not a process event (no \"process\")")
        }
        let process = try ProcessSnapshot(json: p, at: at)
        var ancestors: [ProcessSnapshot] = []
        if let a = json["ancestors"] {
            guard let items = a.arrayValue, items.count <= 256 else {
                throw RuntimeError(.event, input: at, reason: "ancestors must be a list of at most 256 processes")
            }
            for i in items { ancestors.append(try ProcessSnapshot(json: i, at: at)) }
        }
        guard let timeText = json["time"]?.stringValue, let time = Timestamp.parse(timeText) else {
            throw RuntimeError(.event, input: at, reason: "time missing or not RFC 3339")
        }
        var number: UInt64 = 0
        if case .number(let n)? = json["number"] { number = UInt64(n) ?? 0 }
        self.init(number: number, type: json["type"]?.stringValue ?? "execve", time: time, process: process,
                  ancestors: ancestors, userName: json["user"]?.stringValue, observer: .replay)
    }
}

/// Replays a recording: JSON lines, each an audit `Event`/`EventList` or a process event.
public enum Replay {
    public static func run(path: String, into detector: Detector) async throws(RuntimeError) {
        try await AuditLogReader(path: path, follow: false).run { line, n in
            let origin = "\(path):\(n)"
            guard case .text(let bytes) = line else { detector.malformed(origin, "line longer than the limit"); return }
            let value: JSONValue
            do throws(JSONReader.Failure) { value = try JSONReader.parse(bytes) } catch {
                detector.malformed(origin, "invalid JSON at byte \(error.offset): \(error.reason)")
                return
            }
            if value["kind"] != nil {
                detector.handleAudit(bytes, origin: origin)
                return
            }
            do throws(RuntimeError) { detector.handleProcess(try ProcessEvent(json: value, at: origin)) } catch {
                detector.malformed(origin, error.reason)
            }
        }
    }
}
