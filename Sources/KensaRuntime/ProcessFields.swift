// The process fields kensa supports for `syscall`-source rules. Everything else a syscall rule
// asks for (fd.*, evt.arg.*, k8s.*, ...) is unsupported, and such rules are skipped at load.

enum ProcessFields {
    typealias Extract = @Sendable (ProcessEvent) -> FieldValue

    static let table = FieldTable<ProcessEvent>(source: "syscall") { ref in
        guard let (type, extract) = bind(ref.name, ref.arg) else { return nil }
        return BoundField(name: ref.display, type: type, extract: extract)
    }

    static func ancestor(_ e: ProcessEvent, _ level: Int) -> ProcessSnapshot? {
        if level == 0 { return e.process }
        return level - 1 < e.ancestors.count ? e.ancestors[level - 1] : nil
    }

    static func bind(_ name: String, _ arg: String?) -> (FieldType, Extract)? {
        if arg != nil, !["proc.aname", "proc.apid", "proc.aexepath", "proc.aexe", "proc.env"].contains(name) { return nil }
        switch name {
        case "proc.name": return (.string, { .one($0.process.name) })
        case "proc.exepath": return (.string, { .one($0.process.exepath) })
        case "proc.exe": return (.string, { .one($0.process.argv.first ?? $0.process.exepath) })
        case "proc.cmdline": return (.string, { .one($0.process.cmdline) })
        case "proc.args": return (.string, { .one($0.process.args) })
        case "proc.pid": return (.number, { .one(String($0.process.pid)) })
        case "proc.ppid": return (.number, { .one(String($0.process.ppid)) })
        case "proc.pname": return (.string, { e in e.ancestors.first.map { .one($0.name) } ?? .missing })
        case "proc.pexepath": return (.string, { e in e.ancestors.first.map { .one($0.exepath) } ?? .missing })
        case "proc.pexe": return (.string, { e in e.ancestors.first.map { .one($0.argv.first ?? $0.exepath) } ?? .missing })
        case "proc.pcmdline": return (.string, { e in e.ancestors.first.map { .one($0.cmdline) } ?? .missing })
        case "proc.vpid": return (.number, { .one(String($0.process.vpid)) })
        case "proc.env":
            if let key = arg {
                return (.string, { e in
                    for kv in e.process.env where kv.hasPrefix(key + "=") { return .one(String(kv.dropFirst(key.count + 1))) }
                    return .missing
                })
            }
            return (.string, { .one($0.process.env.joined(separator: " ")) })
        case "proc.aname", "proc.apid", "proc.aexepath", "proc.aexe":
            let pick: @Sendable (ProcessSnapshot) -> String
            switch name {
            case "proc.aname": pick = { $0.name }
            case "proc.apid": pick = { String($0.pid) }
            case "proc.aexe": pick = { $0.argv.first ?? $0.exepath }
            default: pick = { $0.exepath }
            }
            let type: FieldType = name == "proc.apid" ? .number : .string
            if let arg {
                guard let level = Int(arg), level >= 0 else { return nil }
                return (type, { e in ancestor(e, level).map { .one(pick($0)) } ?? .missing })
            }
            // Without an index the field stands for every ancestor: `=` matches any of them.
            return (type, { e in e.ancestors.isEmpty ? .missing : .many(e.ancestors.map(pick)) })
        case "user.uid": return (.number, { .one(String($0.process.uid)) })
        case "user.name": return (.string, { e in e.userName.map(FieldValue.one) ?? .missing })
        case "container.id": return (.string, { .one($0.containerID) })
        case "evt.type": return (.string, { .one($0.type) })
        // Exec events are reported after the exec succeeded, i.e. at syscall exit.
        case "evt.dir": return (.string, { _ in .one("<") })
        case "evt.time": return (.string, { .one(Timestamp.iso8601($0.time)) })
        case "evt.rawtime": return (.number, { .one(String($0.time)) })
        case "evt.num": return (.number, { .one(String($0.number)) })
        case "proc.cwd": return (.string, { e in e.process.cwd.map(FieldValue.one) ?? .missing })
        case "proc.tty": return (.number, { .one(String($0.process.tty)) })
        case "user.loginuid": return (.number, { .one(String($0.process.loginuid)) })
        case "kensa.observer": return (.string, { .one($0.observer.rawValue) })
        default: return nil
        }
    }
}
