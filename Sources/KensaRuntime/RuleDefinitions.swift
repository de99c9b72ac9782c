// The merged state of all loaded rule files: lists, macros and rules after `append` and
// `override` have been applied in load order, as Falco's rule loader does.

public enum Priority: Int, Sendable, Comparable, CaseIterable {
    case emergency, alert, critical, error, warning, notice, informational, debug

    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }

    public init?(falcoName: String) {
        switch falcoName.lowercased() {
        case "emergency": self = .emergency
        case "alert": self = .alert
        case "critical": self = .critical
        case "error": self = .error
        case "warning", "warn": self = .warning
        case "notice": self = .notice
        case "informational", "info": self = .informational
        case "debug": self = .debug
        default: return nil
        }
    }

    /// The spelling in Falco's JSON output.
    public var name: String {
        switch self {
        case .emergency: return "Emergency"
        case .alert: return "Alert"
        case .critical: return "Critical"
        case .error: return "Error"
        case .warning: return "Warning"
        case .notice: return "Notice"
        case .informational: return "Informational"
        case .debug: return "Debug"
        }
    }
}

struct ListDef: Sendable {
    var items: [String]
    var file: String
    var line: Int
}

struct MacroDef: Sendable {
    var condition: String
    var file: String
    var line: Int
}

struct RuleDef: Sendable {
    var name: String
    var file: String
    var line: Int
    var condition: String
    var conditionLine: Int
    var output: String
    var desc: String
    var priority: Priority
    var source: String
    var tags: [String]
    var enabled: Bool
    var exceptions: [RuleException]
}

struct RuleDefinitions: Sendable {
    var lists: [String: ListDef] = [:]
    var macros: [String: MacroDef] = [:]
    var rules: [RuleDef] = []
    var ruleIndex: [String: Int] = [:]
    var files: [String] = []
    var warnings: [String] = []

    /// The engine version kensa's rule language matches (Falco's numbering).
    static let engineVersion = (major: 0, minor: 57, patch: 0)
    /// Plugins whose fields kensa provides itself.
    static let providedPlugins: Set<String> = ["k8saudit", "json"]

    mutating func apply(_ items: [RuleFileItem], file: String) throws(RuntimeError) {
        files.append(file)
        for item in items {
            switch item {
            case .engineVersion(let v, let line): try checkEngineVersion(v, at: "\(file):\(line)")
            case .plugins(let reqs, let line):
                for r in reqs where !([r.name] + r.alternatives).contains(where: Self.providedPlugins.contains) {
                    warnings.append("\(file):\(line): plugin '\(r.name)' \(r.version) is not provided by kensa; rules that need its fields are skipped")
                }
            case .list(let l): try applyList(l)
            case .macro(let m): try applyMacro(m)
            case .rule(let r): try applyRule(r)
            }
        }
    }

    func checkEngineVersion(_ v: String, at: String) throws(RuntimeError) {
        let parts = v.split(separator: ".").map { Int($0) }
        var required: (Int, Int, Int)
        if parts.count == 1, let n = parts[0] {
            required = (0, n, 0)  // the old numeric form counts minor versions
        } else if parts.count == 3, let a = parts[0], let b = parts[1], let c = parts[2] {
            required = (a, b, c)
        } else {
            throw RuntimeError(.engineVersion, input: at, reason: "required_engine_version '\(v)' is not a version")
        }
        let have = Self.engineVersion
        if required > (have.major, have.minor, have.patch) {
            throw RuntimeError(.engineVersion, input: at,
                               reason: "rules need engine version \(v); kensa implements \(have.major).\(have.minor).\(have.patch)")
        }
    }

    mutating func applyList(_ l: RawList) throws(RuntimeError) {
        let at = "\(l.file):\(l.line)"
        let isAppend = l.append || l.overrideMode == "append"
        guard let items = l.items else {
            throw RuntimeError(.ruleFile, input: at, item: "list '\(l.name)'", reason: "list without 'items'")
        }
        if isAppend {
            guard lists[l.name] != nil else {
                throw RuntimeError(.ruleFile, input: at, item: "list '\(l.name)'", reason: "append to a list that is not defined")
            }
            lists[l.name]?.items += items
        } else {
            lists[l.name] = ListDef(items: items, file: l.file, line: l.line)
        }
    }

    mutating func applyMacro(_ m: RawMacro) throws(RuntimeError) {
        let at = "\(m.file):\(m.line)"
        guard let cond = m.condition else {
            throw RuntimeError(.ruleFile, input: at, item: "macro '\(m.name)'", reason: "macro without 'condition'")
        }
        if m.append || m.overrideMode == "append" {
            guard macros[m.name] != nil else {
                throw RuntimeError(.ruleFile, input: at, item: "macro '\(m.name)'", reason: "append to a macro that is not defined")
            }
            macros[m.name]?.condition += " " + cond.value
        } else {
            macros[m.name] = MacroDef(condition: cond.value, file: m.file, line: cond.line)
        }
    }

    mutating func applyRule(_ r: RawRule) throws(RuntimeError) {
        let at = "\(r.file):\(r.line)"
        let item = "rule '\(r.name)'"
        if r.append || !r.override.isEmpty {
            guard let idx = ruleIndex[r.name] else {
                throw RuntimeError(.ruleFile, input: at, item: item, reason: "append/override of a rule that is not defined")
            }
            var def = rules[idx]
            func mode(_ key: String) -> String? { r.append ? "append" : r.override[key] }
            for key in r.override.keys where !r.keys.contains(key) {
                throw RuntimeError(.ruleFile, input: at, item: item, reason: "override names '\(key)' but the item has no '\(key)'")
            }
            if let c = r.condition, let m = mode("condition") {
                def.condition = m == "append" ? def.condition + " " + c.value : c.value
            }
            if let o = r.output, let m = mode("output") { def.output = m == "append" ? def.output + " " + o : o }
            if let d = r.desc, let m = mode("desc") { def.desc = m == "append" ? def.desc + " " + d : d }
            if let t = r.tags, let m = mode("tags") { def.tags = m == "append" ? def.tags + t : t }
            if let ex = r.exceptions, let m = mode("exceptions") {
                def.exceptions = m == "append" ? mergeExceptions(def.exceptions, ex) : ex
            }
            if let p = r.priority, r.override["priority"] == "replace" {
                guard let pr = Priority(falcoName: p) else {
                    throw RuntimeError(.wrongType, input: at, item: item, reason: "unknown priority '\(p)'")
                }
                def.priority = pr
            }
            if let s = r.source, r.override["source"] == "replace" { def.source = s }
            if let e = r.enabled, r.append || r.override["enabled"] == "replace" { def.enabled = e }
            rules[idx] = def
            return
        }
        // `- rule: X` with only `enabled` switches an existing rule on or off.
        if let enabled = r.enabled, r.keys.subtracting(["rule", "enabled"]).isEmpty {
            guard let idx = ruleIndex[r.name] else {
                throw RuntimeError(.ruleFile, input: at, item: item, reason: "'enabled' for a rule that is not defined")
            }
            rules[idx].enabled = enabled
            return
        }
        var missing: [String] = []
        if r.condition == nil { missing.append("condition") }
        if r.output == nil { missing.append("output") }
        if r.priority == nil { missing.append("priority") }
        if !missing.isEmpty {
            throw RuntimeError(.ruleFile, input: at, item: item, reason: "rule without \(missing.joined(separator: ", "))")
        }
        guard let cond = r.condition, let output = r.output, let p = r.priority else { return }
        guard let priority = Priority(falcoName: p) else {
            throw RuntimeError(.wrongType, input: at, item: item, reason: "unknown priority '\(p)'")
        }
        let def = RuleDef(
            name: r.name, file: r.file, line: r.line, condition: cond.value, conditionLine: cond.line,
            output: output, desc: r.desc ?? "", priority: priority, source: r.source ?? "syscall",
            tags: r.tags ?? [], enabled: r.enabled ?? true, exceptions: r.exceptions ?? [])
        if let idx = ruleIndex[r.name] {
            rules[idx] = def
        } else {
            ruleIndex[r.name] = rules.count
            rules.append(def)
        }
    }

    func mergeExceptions(_ old: [RuleException], _ new: [RuleException]) -> [RuleException] {
        var out = old
        for e in new {
            if let i = out.firstIndex(where: { $0.name == e.name }) {
                out[i].values += e.values
            } else {
                out.append(e)
            }
        }
        return out
    }
}
