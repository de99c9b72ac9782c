import Foundation
import KensaCore
import Yams

/// Secret-scanning configuration in Trivy's `trivy-secret.yaml` layout, so an existing file
/// works unchanged: `rules` (custom rules), `allow-rules`, `enable-builtin-rules`,
/// `disable-rules`, `disable-allow-rules`. kensa adds `entropy` to a custom rule.
public struct SecretConfig: Sendable {
    public var rules: [SecretRule]
    public var allowRules: [SecretAllowRule]
    /// When set, only these built-in rules run (custom rules always run).
    public var enableBuiltinRules: [String]?
    public var disableRules: [String]
    /// `placeholder` turns off the built-in placeholder allow rule.
    public var disableAllowRules: [String]

    /// The ID of the built-in allow rule for documentation placeholders.
    public static let placeholderAllowRuleID = "placeholder"
    /// Larger config files are refused.
    static let maxConfigSize = 1 << 20

    public init(rules: [SecretRule] = [], allowRules: [SecretAllowRule] = [], enableBuiltinRules: [String]? = nil,
                disableRules: [String] = [], disableAllowRules: [String] = []) {
        self.rules = rules
        self.allowRules = allowRules
        self.enableBuiltinRules = enableBuiltinRules
        self.disableRules = disableRules
        self.disableAllowRules = disableAllowRules
    }

    /// Built-ins after `enable-builtin-rules` and `disable-rules`, a custom rule replacing a
    /// built-in of the same ID, then the remaining custom rules.
    var effectiveRules: [SecretRule] {
        let disabled = Set(disableRules)
        let enabled = enableBuiltinRules.map(Set.init)
        let customIDs = Set(rules.map(\.id))
        var out = builtinSecretRules.filter { rule in
            !disabled.contains(rule.id) && !customIDs.contains(rule.id) && (enabled?.contains(rule.id) ?? true)
        }
        out += rules.filter { !disabled.contains($0.id) }
        return out
    }

    public static func load(path: String) throws -> SecretConfig {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw KensaError(.unreadable, input: path, reason: "no such file") }
        if size > maxConfigSize {
            throw KensaError(.limitExceeded, input: path, reason: "secret config larger than \(maxConfigSize) bytes")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KensaError(.unreadable, input: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KensaError(.malformed, input: path, reason: "not UTF-8 text")
        }
        return try parse(yaml: text, source: path)
    }

    public static func parse(yaml text: String, source: String) throws -> SecretConfig {
        if text.utf8.count > maxConfigSize {
            throw KensaError(.limitExceeded, input: source, reason: "secret config larger than \(maxConfigSize) bytes")
        }
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw KensaError(.malformed, input: source, reason: "invalid YAML: \(error)")
        }
        guard let node else { return SecretConfig() }
        guard let top = node as? [String: Any] else {
            throw KensaError(.malformed, input: source, reason: "the top level must be a mapping")
        }
        let known: Set<String> = ["rules", "allow-rules", "enable-builtin-rules", "disable-rules", "disable-allow-rules"]
        if let unknown = top.keys.sorted().first(where: { !known.contains($0) }) {
            throw KensaError(.malformed, input: source, reason: "unknown key '\(unknown)'")
        }
        var config = SecretConfig()
        config.rules = try list(top["rules"], "rules", source).enumerated().map { i, item in
            try rule(item, at: "rules[\(i)]", source)
        }
        config.allowRules = try list(top["allow-rules"], "allow-rules", source).enumerated().map { i, item in
            try allowRule(item, at: "allow-rules[\(i)]", source)
        }
        if top["enable-builtin-rules"] != nil {
            config.enableBuiltinRules = try strings(top["enable-builtin-rules"], "enable-builtin-rules", source)
        }
        config.disableRules = try strings(top["disable-rules"], "disable-rules", source)
        config.disableAllowRules = try strings(top["disable-allow-rules"], "disable-allow-rules", source)
        var ids = Set<String>()
        for r in config.rules where !ids.insert(r.id).inserted {
            throw KensaError(.malformed, input: source, reason: "duplicate rule id '\(r.id)'")
        }
        return config
    }

    private static func list(_ v: Any?, _ field: String, _ source: String) throws -> [Any] {
        guard let v else { return [] }
        guard let a = v as? [Any] else { throw KensaError(.malformed, input: source, reason: "'\(field)' must be a list") }
        return a
    }

    private static func strings(_ v: Any?, _ field: String, _ source: String) throws -> [String] {
        try list(v, field, source).map { item in
            guard let s = scalar(item) else {
                throw KensaError(.malformed, input: source, reason: "'\(field)' must list strings")
            }
            return s
        }
    }

    private static func scalar(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s
        case let i as Int: return String(i)
        case let d as Double: return String(d)
        case let b as Bool: return String(b)
        default: return nil
        }
    }

    /// Trivy accepts `path` as one regex or (older releases) a list; a list becomes an alternation.
    private static func pathRegex(_ v: Any?, _ field: String, _ source: String) throws -> String? {
        guard let v else { return nil }
        if let s = scalar(v) { return s }
        if let a = v as? [Any] {
            let parts = try a.map { item -> String in
                guard let s = scalar(item) else { throw KensaError(.malformed, input: source, reason: "\(field).path must list strings") }
                return "(?:\(s))"
            }
            return parts.isEmpty ? nil : parts.joined(separator: "|")
        }
        throw KensaError(.malformed, input: source, reason: "\(field).path must be a string")
    }

    private static func mapping(_ v: Any, _ field: String, _ source: String) throws -> [String: Any] {
        guard let m = v as? [String: Any] else { throw KensaError(.malformed, input: source, reason: "\(field) must be a mapping") }
        return m
    }

    private static func required(_ m: [String: Any], _ key: String, _ field: String, _ source: String) throws -> String {
        guard let s = scalar(m[key]), !s.isEmpty else {
            throw KensaError(.malformed, input: source, reason: "\(field): '\(key)' is required")
        }
        return s
    }

    private static func rule(_ v: Any, at field: String, _ source: String) throws -> SecretRule {
        let m = try mapping(v, field, source)
        let allowed: Set<String> = ["id", "category", "title", "severity", "regex", "keywords", "path",
                                    "secret-group-name", "allow-rules", "entropy", "description"]
        if m["exclude-block"] != nil {
            throw KensaError(.unsupported, input: source, reason: "\(field): 'exclude-block' is not supported; use allow-rules")
        }
        if let unknown = m.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw KensaError(.malformed, input: source, reason: "\(field): unknown key '\(unknown)'")
        }
        let id = try required(m, "id", field, source)
        let sevText = try required(m, "severity", field, source).uppercased()
        guard let severity = Severity(rawValue: sevText) else {
            throw KensaError(.malformed, input: source, reason: "\(field): unknown severity '\(sevText)'")
        }
        var entropy: Double? = nil
        if let e = m["entropy"] {
            guard let d = (e as? Double) ?? (e as? Int).map(Double.init), d >= 0, d <= 8 else {
                throw KensaError(.malformed, input: source, reason: "\(field): entropy must be a number from 0 to 8")
            }
            entropy = d
        }
        let allows = try list(m["allow-rules"], "\(field).allow-rules", source).enumerated().map { i, item in
            try allowRule(item, at: "\(field).allow-rules[\(i)]", source)
        }
        do {
            return try SecretRule(
                id: id, category: scalar(m["category"]) ?? "custom", title: scalar(m["title"]) ?? id,
                severity: severity, keywords: strings(m["keywords"], "\(field).keywords", source),
                regex: required(m, "regex", field, source), secretGroup: scalar(m["secret-group-name"]),
                entropy: entropy, allowRules: allows, path: pathRegex(m["path"], field, source))
        } catch let e as KensaError {
            throw KensaError(e.kind, input: source, reason: "\(field): \(e.description)")
        }
    }

    private static func allowRule(_ v: Any, at field: String, _ source: String) throws -> SecretAllowRule {
        let m = try mapping(v, field, source)
        let id = try required(m, "id", field, source)
        do {
            return try SecretAllowRule(id: id, description: scalar(m["description"]), regex: scalar(m["regex"]),
                                       path: pathRegex(m["path"], field, source))
        } catch let e as KensaError {
            throw KensaError(e.kind, input: source, reason: "\(field): \(e.description)")
        }
    }
}
