// The k8s_audit source's fields: `ka.*` as the k8saudit plugin extracts them and `jevt.*` as the
// json plugin does (falcosecurity/plugins, read for semantics; this is our own code). Strings
// are returned as they are, other JSON values as compact JSON text; a missing value is `.missing`.

enum AuditFields {
    typealias Extract = @Sendable (AuditEvent) -> FieldValue

    static let table = FieldTable<AuditEvent>(source: "k8s_audit") { ref in
        guard let (type, extract) = bind(ref.name, ref.arg) else { return nil }
        return BoundField(name: ref.display, type: type, extract: extract)
    }

    static func text(_ v: JSONValue?) -> FieldValue {
        guard let v else { return .missing }
        return .one(v.fieldText)
    }

    static func opt(_ s: String?) -> FieldValue {
        guard let s else { return .missing }
        return .one(s)
    }

    static func list(_ v: JSONValue?) -> FieldValue {
        guard let items = v?.arrayValue, !items.isEmpty else { return .missing }
        return .many(items.map(\.fieldText))
    }

    static func many(_ items: [String]?) -> FieldValue {
        guard let items, !items.isEmpty else { return .missing }
        return .many(items)
    }

    /// Only events with an auditID yield `ka.*` values.
    static func ka(_ f: @escaping @Sendable (AuditEvent) -> FieldValue) -> Extract {
        { e in e.hasAuditID ? f(e) : .missing }
    }

    static func bind(_ name: String, _ arg: String?) -> (FieldType, Extract)? {
        if name.hasPrefix("jevt.") { return jevt(name, arg) }
        guard name.hasPrefix("ka.") else { return nil }
        if let f = podListField(name, arg) { return (.string, ka(f)) }
        let plain: Extract?
        switch name {
        case "ka.auditid": plain = { text($0.json["auditID"]) }
        case "ka.stage": plain = { opt($0.stageText) }
        case "ka.auth.decision": plain = { text($0.annotations?["authorization.k8s.io/decision"]) }
        case "ka.auth.reason": plain = { text($0.annotations?["authorization.k8s.io/reason"]) }
        case "ka.user.name": plain = { opt($0.userName) }
        case "ka.user.groups": plain = { list($0.user?["groups"]) }
        case "ka.impuser.name": plain = { text($0.json["impersonatedUser"]?["username"]) }
        case "ka.verb": plain = { opt($0.verbText) }
        case "ka.uri": plain = { text($0.requestURI) }
        case "ka.uri.param":
            guard let key = arg, !key.isEmpty else { return nil }
            plain = { e in
                guard let uri = e.requestURI?.stringValue else { return .missing }
                return queryParameter(uri, key).map(FieldValue.one) ?? .missing
            }
        case "ka.useragent": plain = { text($0.json["userAgent"]) }
        case "ka.sourceips": plain = { list($0.json["sourceIPs"]) }
        case "ka.target.name", "ka.req.configmap.name": plain = { opt($0.targetName) }
        case "ka.target.namespace": plain = { opt($0.namespace) }
        case "ka.target.resource": plain = { opt($0.resource) }
        case "ka.target.subresource": plain = { opt($0.subresource) }
        case "ka.req.binding.subjects": plain = { list($0.requestObject?["subjects"]) }
        case "ka.req.binding.role": plain = { text($0.requestObject?["roleRef"]?["name"]) }
        case "ka.req.binding.subject.has_name":
            // Deprecated upstream; the plugin answers "true" for compatibility, and so do we.
            guard let a = arg, !a.isEmpty else { return nil }
            plain = { _ in .one("true") }
        case "ka.req.configmap.obj": plain = { text($0.requestObject?["data"]) }
        case "ka.req.pod.host_ipc": plain = { text($0.requestObject?["spec"]?["hostIPC"]) }
        case "ka.req.pod.host_network", "ka.req.container.host_network":
            plain = { text($0.requestObject?["spec"]?["hostNetwork"]) }
        case "ka.req.pod.host_pid": plain = { text($0.requestObject?["spec"]?["hostPID"]) }
        case "ka.req.pod.run_as_user": plain = { text($0.requestObject?.at(["spec", "securityContext", "runAsUser"])) }
        case "ka.req.pod.run_as_group": plain = { text($0.requestObject?.at(["spec", "securityContext", "runAsGroup"])) }
        case "ka.req.pod.fs_group": plain = { text($0.requestObject?.at(["spec", "securityContext", "fsGroup"])) }
        case "ka.req.pod.supplemental_groups":
            plain = { list($0.requestObject?.at(["spec", "securityContext", "supplementalGroups"])) }
        case "ka.req.container.image":
            plain = { e in containerStrings(e, "containers", nil, ["image"]).first.map(FieldValue.one) ?? .missing }
        case "ka.req.container.image.repository":
            plain = { e in containerStrings(e, "containers", nil, ["image"]).first.map { .one(repository($0)) } ?? .missing }
        case "ka.req.container.privileged":
            plain = { e in
                guard let cs = e.requestObject?.at(["spec", "containers"])?.arrayValue else { return .missing }
                let any = cs.contains { $0.at(["securityContext", "privileged"]) == .bool(true) }
                return .one(any ? "true" : "false")
            }
        case "ka.req.role.rules": plain = { list($0.requestObject?["rules"]) }
        case "ka.req.role.rules.apiGroups": plain = roleRules("apiGroups", arg)
        case "ka.req.role.rules.nonResourceURLs": plain = roleRules("nonResourceURLs", arg)
        case "ka.req.role.rules.verbs": plain = roleRules("verbs", arg)
        case "ka.req.role.rules.resources": plain = roleRules("resources", arg)
        case "ka.req.service.type": plain = { text($0.requestObject?["spec"]?["type"]) }
        case "ka.req.service.ports":
            let index = arg.flatMap { Int($0) }
            plain = { e in many(indexed(e.requestObject?.at(["spec", "ports"])?.arrayValue, index)?.map(\.fieldText)) }
        case "ka.req.pod.volumes.hostpath": plain = volumeStrings(["hostPath", "path"], arg)
        case "ka.req.pod.volumes.flexvolume_driver": plain = volumeStrings(["flexVolume", "driver"], arg)
        case "ka.req.pod.volumes.volume_type":
            let index = arg.flatMap { Int($0) }
            plain = { e in
                guard let vols = indexed(e.requestObject?.at(["spec", "volumes"])?.arrayValue, index) else { return .missing }
                var out: [String] = []
                for v in vols { if case .object(let ms) = v { out += ms.map(\.key).filter { $0 != "name" } } }
                return many(out)
            }
        case "ka.req.volume.hostpath":
            guard let a = arg, !a.isEmpty else { return nil }
            let prefix = a.hasSuffix("*") ? String(a.dropLast()) : nil
            plain = { e in
                guard let vols = e.requestObject?.at(["spec", "volumes"])?.arrayValue else { return .missing }
                for v in vols {
                    guard let p = v.at(["hostPath", "path"])?.stringValue else { continue }
                    if p == a || (prefix.map { p.hasPrefix($0) } ?? false) { return .one("true") }
                }
                return .one("false")
            }
        case "ka.resp.name": plain = { text($0.json["responseObject"]?["metadata"]?["name"]) }
        case "ka.response.code": plain = { opt($0.responseCode) }
        case "ka.response.reason": plain = { text($0.responseStatus?["reason"]) }
        default: plain = nil
        }
        guard let plain else { return nil }
        return (.string, ka(plain))
    }

    static func jevt(_ name: String, _ arg: String?) -> (FieldType, Extract)? {
        switch name {
        case "jevt.value":
            guard let a = arg, let pointer = JSONPointer(a) else { return nil }
            if pointer.tokens == ["stage"] { return (.string, { e in opt(e.stageText) }) }
            return (.string, { e in text(pointer.resolve(e.json)) })
        case "jevt.obj": return (.string, { e in .one(e.json.compactJSON) })
        case "jevt.rawtime": return (.number, { e in .one(String(e.time)) })
        case "jevt.time", "jevt.time.iso8601": return (.string, { e in .one(Timestamp.iso8601(e.time)) })
        default: return nil
        }
    }

    static func queryParameter(_ uri: String, _ key: String) -> String? {
        guard let q = uri.firstIndex(of: "?") else { return nil }
        for pair in uri[uri.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if percentDecode(String(parts[0])) == key {
                return parts.count > 1 ? percentDecode(String(parts[1])) : ""
            }
        }
        return nil
    }

    static func percentDecode(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let hi = Matchers.hexDigit(b[i + 1]), let lo = Matchers.hexDigit(b[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i] == UInt8(ascii: "+") ? 0x20 : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func indexed(_ arr: [JSONValue]?, _ index: Int?) -> [JSONValue]? {
        guard let arr else { return nil }
        guard let index else { return arr }
        guard index >= 0, index < arr.count else { return nil }
        return [arr[index]]
    }

    static func repository(_ image: String) -> String {
        let beforeColon = image.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(beforeColon.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Values at `path` in each container of `spec.<list>`; nil if the list is absent or a
    /// container lacks the value (the plugin then extracts nothing).
    static func containerStrings(_ e: AuditEvent, _ list: String, _ index: Int?, _ path: [String]) -> [String] {
        guard let cs = indexed(e.requestObject?["spec"]?[list]?.arrayValue, index) else { return [] }
        var out: [String] = []
        for c in cs {
            guard let v = c.at(path) else { return [] }
            out.append(v.fieldText)
        }
        return out
    }

    static let podLists = ["containers", "initContainers", "ephemeralContainers"]

    /// `ka.req.pod.<containers|initContainers|ephemeralContainers>.<property>[index]`.
    static func podListField(_ name: String, _ arg: String?) -> (@Sendable (AuditEvent) -> FieldValue)? {
        let prefix = "ka.req.pod."
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        let list = String(rest[..<dot])
        guard podLists.contains(list) else { return nil }
        let property = String(rest[rest.index(after: dot)...])
        let index = arg.flatMap { Int($0) }
        let sc = "securityContext"
        switch property {
        case "image":
            return { e in many(containerStrings(e, list, index, ["image"])) }
        case "image.repository":
            return { e in many(containerStrings(e, list, index, ["image"]).map(repository)) }
        case "privileged":
            // Containers without the key are skipped, as the plugin does.
            return { e in
                guard let cs = indexed(e.requestObject?["spec"]?[list]?.arrayValue, index) else { return .missing }
                return many(cs.compactMap { $0.at([sc, "privileged"])?.fieldText })
            }
        case "allow_privilege_escalation": return { e in many(containerStrings(e, list, index, [sc, "allowPrivilegeEscalation"])) }
        case "read_only_fs": return { e in many(containerStrings(e, list, index, [sc, "readOnlyRootFilesystem"])) }
        case "run_as_user": return { e in many(containerStrings(e, list, index, [sc, "runAsUser"])) }
        case "run_as_group": return { e in many(containerStrings(e, list, index, [sc, "runAsGroup"])) }
        case "proc_mount": return { e in many(containerStrings(e, list, index, [sc, "procMount"])) }
        case "eff_run_as_user", "eff_run_as_group":
            let key = property == "eff_run_as_user" ? "runAsUser" : "runAsGroup"
            return { e in
                guard let cs = indexed(e.requestObject?["spec"]?[list]?.arrayValue, index) else { return .missing }
                let podValue = e.requestObject?.at(["spec", sc, key])?.fieldText ?? "0"
                return many(cs.map { $0.at([sc, key])?.fieldText ?? podValue })
            }
        case "add_capabilities":
            return { e in
                guard let cs = indexed(e.requestObject?["spec"]?[list]?.arrayValue, index) else { return .missing }
                var out: [String] = []
                for c in cs { out += (c.at([sc, "capabilities", "add"])?.arrayValue ?? []).map(\.fieldText) }
                return many(out)
            }
        case "host_port":
            return { e in
                guard let cs = indexed(e.requestObject?["spec"]?[list]?.arrayValue, index) else { return .missing }
                var out: [String] = []
                for c in cs {
                    for p in c["ports"]?.arrayValue ?? [] {
                        if let hp = p["hostPort"] { out.append(hp.fieldText) } else if let cp = p["containerPort"] { out.append(cp.fieldText) }
                    }
                }
                return many(out)
            }
        default: return nil
        }
    }

    static func roleRules(_ key: String, _ arg: String?) -> @Sendable (AuditEvent) -> FieldValue {
        let index = arg.flatMap { Int($0) }
        return { e in
            guard let rules = indexed(e.requestObject?["rules"]?.arrayValue, index) else { return .missing }
            var out: [String] = []
            for r in rules { out += (r[key]?.arrayValue ?? []).map(\.fieldText) }
            return .many(out)
        }
    }

    static func volumeStrings(_ path: [String], _ arg: String?) -> @Sendable (AuditEvent) -> FieldValue {
        let index = arg.flatMap { Int($0) }
        return { e in
            guard let vols = indexed(e.requestObject?.at(["spec", "volumes"])?.arrayValue, index) else { return .missing }
            return many(vols.compactMap { $0.at(path)?.fieldText })
        }
    }
}

/// An RFC 6901 JSON pointer, as the json plugin's `jevt.value[/a/b/0]` takes.
struct JSONPointer: Sendable {
    let tokens: [String]

    init?(_ text: String) {
        if text.isEmpty { tokens = []; return }
        guard text.hasPrefix("/") else { return nil }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(JSONPointer.unescape)
    }

    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var out = ""
        var it = token.makeIterator()
        while let c = it.next() {
            if c == "~" {
                switch it.next() {
                case "1": out.append("/")
                case "0": out.append("~")
                case let other?: out.append("~"); out.append(other)
                case nil: out.append("~")
                }
            } else {
                out.append(c)
            }
        }
        return out
    }

    func resolve(_ root: JSONValue) -> JSONValue? {
        var current = root
        for t in tokens {
            switch current {
            case .object: guard let next = current[t] else { return nil }; current = next
            case .array(let items):
                guard let i = Int(t), i >= 0, i < items.count else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }
}
