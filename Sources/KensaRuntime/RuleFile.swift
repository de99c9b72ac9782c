import Foundation
import Yams

// The items of one Falco rules file as written, before merging: rules, macros, lists and the
// version requirements. Read with Yams' node API so every item keeps its line number.

struct Located<T: Sendable>: Sendable {
    var value: T
    var line: Int
}

struct RuleException: Sendable, Equatable {
    var name: String
    var fields: [String]
    /// True when `fields` was a single string: then `values` is one list for that field.
    var singleField: Bool
    var comps: [String]
    /// Each value is one tuple (one entry per field); an entry is a scalar or a list of items.
    var values: [[ExceptionValue]]
}

enum ExceptionValue: Sendable, Equatable {
    case scalar(String)
    case list([String])
}

struct RawRule: Sendable {
    var name: String
    var file: String
    var line: Int
    var condition: Located<String>?
    var output: String?
    var desc: String?
    var priority: String?
    var source: String?
    var tags: [String]?
    var enabled: Bool?
    var exceptions: [RuleException]?
    var append: Bool
    /// `override:` keys mapped to "append" or "replace".
    var override: [String: String]
    var keys: Set<String>
}

struct RawMacro: Sendable {
    var name: String
    var file: String
    var line: Int
    var condition: Located<String>?
    var append: Bool
    var overrideMode: String?
}

struct RawList: Sendable {
    var name: String
    var file: String
    var line: Int
    var items: [String]?
    var append: Bool
    var overrideMode: String?
}

struct PluginRequirement: Sendable {
    var name: String
    var version: String
    var alternatives: [String]
}

enum RuleFileItem: Sendable {
    case rule(RawRule)
    case macro(RawMacro)
    case list(RawList)
    case engineVersion(String, line: Int)
    case plugins([PluginRequirement], line: Int)
}

enum RuleFileParser {
    static let yamsLock = NSLock()
    static let maxFileBytes = 32 << 20

    static func parse(yaml: String, file: String) throws(RuntimeError) -> [RuleFileItem] {
        if yaml.utf8.count > maxFileBytes {
            throw RuntimeError(.ruleFile, input: file, reason: "file larger than \(maxFileBytes) bytes")
        }
        let root: Node?
        // Yams' composer shares state between parsers (tests caught a data race), so parses are serialized.
        yamsLock.lock()
        defer { yamsLock.unlock() }
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw RuntimeError(.ruleFile, input: file, reason: "invalid YAML: \(describe(error))")
        }
        guard let root else { return [] }
        guard case .sequence(let seq) = root else {
            throw RuntimeError(.ruleFile, input: "\(file):\(line(root))", reason: "a rules file must be a YAML list of items")
        }
        var items: [RuleFileItem] = []
        for node in seq {
            items.append(try item(node, file: file))
        }
        return items
    }

    static func describe(_ error: any Error) -> String {
        if let y = error as? YamlError {
            switch y {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
                let ctx = context.map { "\($0.text) " } ?? ""
                return "\(ctx)\(problem) at line \(mark.line) column \(mark.column)"
            default: return "\(y)"
            }
        }
        return "\(error)"
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    static func item(_ node: Node, file: String) throws(RuntimeError) -> RuleFileItem {
        let at = "\(file):\(line(node))"
        guard case .mapping(let map) = node else {
            throw RuntimeError(.ruleFile, input: at, reason: "each item must be a mapping (rule, macro, list, ...)")
        }
        var fields: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.scalar?.string else {
                throw RuntimeError(.ruleFile, input: "\(file):\(line(k))", reason: "keys must be strings")
            }
            fields[key] = v
        }
        if let n = fields["required_engine_version"] {
            guard let v = n.scalar?.string else {
                throw RuntimeError(.ruleFile, input: at, reason: "required_engine_version must be a scalar")
            }
            return .engineVersion(v, line: line(node))
        }
        if let n = fields["required_plugin_versions"] {
            return .plugins(try plugins(n, file: file), line: line(node))
        }
        if let n = fields["rule"] { return .rule(try rule(n, fields, file: file, line: line(node))) }
        if let n = fields["macro"] {
            let name = try string(n, key: "macro", file: file, item: nil)
            return .macro(RawMacro(
                name: name, file: file, line: line(node),
                condition: try locatedString(fields["condition"], key: "condition", file: file, item: name),
                append: try bool(fields["append"], key: "append", file: file, item: name) ?? false,
                overrideMode: try overrideModes(fields["override"], file: file, item: name)["condition"]))
        }
        if let n = fields["list"] {
            let name = try string(n, key: "list", file: file, item: nil)
            var items: [String]?
            if let itemsNode = fields["items"] {
                items = try stringList(itemsNode, key: "items", file: file, item: name)
            }
            return .list(RawList(
                name: name, file: file, line: line(node), items: items,
                append: try bool(fields["append"], key: "append", file: file, item: name) ?? false,
                overrideMode: try overrideModes(fields["override"], file: file, item: name)["items"]))
        }
        let keys = fields.keys.sorted().joined(separator: ", ")
        throw RuntimeError(.ruleFile, input: at, reason: "unknown item with keys: \(keys)")
    }

    static func rule(_ nameNode: Node, _ f: [String: Node], file: String, line: Int) throws(RuntimeError) -> RawRule {
        let name = try string(nameNode, key: "rule", file: file, item: nil)
        var exceptions: [RuleException]?
        if let e = f["exceptions"] { exceptions = try self.exceptions(e, file: file, rule: name) }
        var tags: [String]?
        if let t = f["tags"] { tags = try stringList(t, key: "tags", file: file, item: name) }
        return RawRule(
            name: name, file: file, line: line,
            condition: try locatedString(f["condition"], key: "condition", file: file, item: name),
            output: try optString(f["output"], key: "output", file: file, item: name),
            desc: try optString(f["desc"], key: "desc", file: file, item: name),
            priority: try optString(f["priority"], key: "priority", file: file, item: name),
            source: try optString(f["source"], key: "source", file: file, item: name),
            tags: tags,
            enabled: try bool(f["enabled"], key: "enabled", file: file, item: name),
            exceptions: exceptions,
            append: try bool(f["append"], key: "append", file: file, item: name) ?? false,
            override: try overrideModes(f["override"], file: file, item: name),
            keys: Set(f.keys))
    }

    static func exceptions(_ node: Node, file: String, rule: String) throws(RuntimeError) -> [RuleException] {
        guard case .sequence(let seq) = node else {
            throw RuntimeError(.ruleFile, input: "\(file):\(line(node))", item: "rule '\(rule)'", reason: "exceptions must be a list")
        }
        var out: [RuleException] = []
        for e in seq {
            let at = "\(file):\(line(e))"
            guard case .mapping(let map) = e else {
                throw RuntimeError(.ruleFile, input: at, item: "rule '\(rule)'", reason: "each exception must be a mapping")
            }
            var f: [String: Node] = [:]
            for (k, v) in map { if let key = k.scalar?.string { f[key] = v } }
            guard let nameNode = f["name"] else {
                throw RuntimeError(.ruleFile, input: at, item: "rule '\(rule)'", reason: "exception without a name")
            }
            let name = try string(nameNode, key: "name", file: file, item: rule)
            var fields: [String] = []
            var single = false
            if let fn = f["fields"] {
                if let s = fn.scalar?.string { fields = [s]; single = true } else {
                    fields = try stringList(fn, key: "fields", file: file, item: rule)
                }
            }
            var comps: [String] = []
            if let cn = f["comps"] {
                if let s = cn.scalar?.string { comps = [s] } else { comps = try stringList(cn, key: "comps", file: file, item: rule) }
            }
            // An exception without fields appends values to the exception of that name.
            let appendOnly = fields.isEmpty
            if comps.isEmpty, !appendOnly { comps = Array(repeating: single ? "in" : "=", count: max(fields.count, 1)) }
            if !single, !appendOnly, comps.count != fields.count {
                throw RuntimeError(.ruleFile, input: at, item: "rule '\(rule)'",
                                   reason: "exception '\(name)' has \(fields.count) fields but \(comps.count) comps")
            }
            var values: [[ExceptionValue]] = []
            if let vn = f["values"] {
                guard case .sequence(let vs) = vn else {
                    throw RuntimeError(.ruleFile, input: at, item: "rule '\(rule)'", reason: "exception '\(name)' values must be a list")
                }
                for v in vs {
                    if single || (appendOnly && v.scalar != nil) {
                        if let s = v.scalar?.string { values.append([.scalar(s)]) } else {
                            values.append([.list(try stringList(v, key: "values", file: file, item: rule))])
                        }
                        continue
                    }
                    guard case .sequence(let tuple) = v else {
                        throw RuntimeError(.ruleFile, input: "\(file):\(line(v))", item: "rule '\(rule)'",
                                           reason: "exception '\(name)' values must be lists of \(fields.count) entries")
                    }
                    var row: [ExceptionValue] = []
                    for entry in tuple {
                        if let s = entry.scalar?.string { row.append(.scalar(s)) } else {
                            row.append(.list(try stringList(entry, key: "values", file: file, item: rule)))
                        }
                    }
                    if !appendOnly, row.count != fields.count {
                        throw RuntimeError(.ruleFile, input: "\(file):\(line(v))", item: "rule '\(rule)'",
                                           reason: "exception '\(name)' value has \(row.count) entries for \(fields.count) fields")
                    }
                    values.append(row)
                }
            }
            out.append(RuleException(name: name, fields: fields, singleField: single, comps: comps, values: values))
        }
        return out
    }

    static func plugins(_ node: Node, file: String) throws(RuntimeError) -> [PluginRequirement] {
        guard case .sequence(let seq) = node else {
            throw RuntimeError(.ruleFile, input: "\(file):\(line(node))", reason: "required_plugin_versions must be a list")
        }
        var out: [PluginRequirement] = []
        for p in seq {
            guard case .mapping(let map) = p else {
                throw RuntimeError(.ruleFile, input: "\(file):\(line(p))", reason: "each required plugin must be a mapping")
            }
            var name = "", version = ""
            var alternatives: [String] = []
            for (k, v) in map {
                switch k.scalar?.string {
                case "name": name = v.scalar?.string ?? ""
                case "version": version = v.scalar?.string ?? ""
                case "alternatives":
                    if case .sequence(let alts) = v {
                        for a in alts {
                            if case .mapping(let am) = a {
                                for (ak, av) in am where ak.scalar?.string == "name" { alternatives.append(av.scalar?.string ?? "") }
                            }
                        }
                    }
                default: break
                }
            }
            if name.isEmpty {
                throw RuntimeError(.ruleFile, input: "\(file):\(line(p))", reason: "required plugin without a name")
            }
            out.append(PluginRequirement(name: name, version: version, alternatives: alternatives))
        }
        return out
    }

    static func overrideModes(_ node: Node?, file: String, item: String) throws(RuntimeError) -> [String: String] {
        guard let node else { return [:] }
        guard case .mapping(let map) = node else {
            throw RuntimeError(.ruleFile, input: "\(file):\(line(node))", item: item, reason: "override must be a mapping")
        }
        var out: [String: String] = [:]
        for (k, v) in map {
            guard let key = k.scalar?.string, let mode = v.scalar?.string, mode == "append" || mode == "replace" else {
                throw RuntimeError(.ruleFile, input: "\(file):\(line(k))", item: item,
                                   reason: "override entries must be 'append' or 'replace'")
            }
            out[key] = mode
        }
        return out
    }

    static func string(_ node: Node, key: String, file: String, item: String?) throws(RuntimeError) -> String {
        guard case .scalar(let s) = node else {
            throw RuntimeError(.wrongType, input: "\(file):\(line(node))", item: item, reason: "'\(key)' must be a string")
        }
        return s.string
    }

    static func optString(_ node: Node?, key: String, file: String, item: String) throws(RuntimeError) -> String? {
        guard let node else { return nil }
        return try string(node, key: key, file: file, item: item)
    }

    static func locatedString(_ node: Node?, key: String, file: String, item: String) throws(RuntimeError) -> Located<String>? {
        guard let node else { return nil }
        return Located(value: try string(node, key: key, file: file, item: item), line: line(node))
    }

    static func bool(_ node: Node?, key: String, file: String, item: String) throws(RuntimeError) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, let b = Bool(s.string.lowercased()) else {
            throw RuntimeError(.wrongType, input: "\(file):\(line(node))", item: item, reason: "'\(key)' must be true or false")
        }
        return b
    }

    static func stringList(_ node: Node, key: String, file: String, item: String) throws(RuntimeError) -> [String] {
        guard case .sequence(let seq) = node else {
            throw RuntimeError(.wrongType, input: "\(file):\(line(node))", item: item, reason: "'\(key)' must be a list")
        }
        var out: [String] = []
        for n in seq {
            guard case .scalar(let s) = n else {
                throw RuntimeError(.wrongType, input: "\(file):\(line(n))", item: item, reason: "'\(key)' entries must be scalars")
            }
            // Keep quotes the YAML author wrote inside the value (e.g. '"(systemd)"'); Falco strips them later.
            out.append(s.string)
        }
        return out
    }
}
