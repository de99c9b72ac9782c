// Kubernetes manifests as CEL values, with the file and line each object starts at.
// YAML is read with Yams; the conversion to CEL values is bounded in nodes and depth, so
// alias bombs and deeply nested documents end with a KensaError instead of exhausting memory.

import KensaCEL
import KensaCore
import Yams

/// One Kubernetes object from a manifest file.
public struct ManifestObject: Sendable {
    public var value: CELValue
    public var path: String
    public var line: Int
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var namespace: String?
    public var labels: [String: String]

    /// `kind/namespace/name` (namespace left out for cluster-scoped objects).
    public var reference: String { namespace.map { "\(kind)/\($0)/\(name)" } ?? "\(kind)/\(name)" }

    var group: String { apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : "" }
    var version: String { apiVersion.contains("/") ? String(apiVersion.split(separator: "/").last ?? "") : apiVersion }
}

public enum ManifestLoader {
    public static let maxNodes = 1_000_000
    public static let maxDepth = 100
    public static let maxBytes = 20_000_000

    /// Every document of a YAML (or JSON) text as a CEL value, with its first line.
    public static func documents(_ text: String, path: String) throws(KensaError) -> [(value: CELValue, line: Int)] {
        if text.utf8.count > maxBytes {
            throw KensaError(.limitExceeded, input: path, reason: "manifest is larger than \(maxBytes) bytes")
        }
        var out: [(value: CELValue, line: Int)] = []
        var budget = maxNodes
        do {
            var documents = try Yams.compose_all(yaml: text)
            while let node = documents.next() {
                out.append((try convert(node, depth: 0, budget: &budget, path: path), node.mark?.line ?? 1))
            }
            // The sequence stops at a syntax error and keeps it: a half-read file is an error.
            if let error = documents.error { throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)") }
        } catch let e as KensaError {
            throw e
        } catch {
            throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)")
        }
        return out
    }

    /// Parses every document of a YAML (or JSON) text; documents that are not Kubernetes
    /// objects (no `kind`) are skipped.
    public static func load(_ text: String, path: String) throws(KensaError) -> [ManifestObject] {
        var out: [ManifestObject] = []
        for (value, line) in try documents(text, path: path) {
            if let o = object(value, path: path, line: line) { out.append(o) }
        }
        return out
    }

    /// The object a parsed document holds, or nil when it has no `kind`.
    static func object(_ value: CELValue, path: String, line: Int) -> ManifestObject? {
        guard case .map(let m) = value, case .string(let kind)? = m["kind"] else { return nil }
        let meta: CELMap? = { if case .map(let mm)? = m["metadata"] { return mm }; return nil }()
        var labels: [String: String] = [:]
        if case .map(let lm)? = meta?["labels"] {
            for i in 0..<lm.count { if case .string(let k) = lm.keys[i], case .string(let v) = lm.values[i] { labels[k] = v } }
        }
        var namespace: String?
        if case .string(let ns)? = meta?["namespace"] { namespace = ns }
        var name = ""
        if case .string(let n)? = meta?["name"] { name = n }
        var apiVersion = ""
        if case .string(let a)? = m["apiVersion"] { apiVersion = a }
        return ManifestObject(value: value, path: path, line: line, apiVersion: apiVersion,
                              kind: kind, name: name, namespace: namespace, labels: labels)
    }

    static func convert(_ node: Node, depth: Int, budget: inout Int, path: String) throws -> CELValue {
        budget -= 1
        if budget < 0 { throw KensaError(.limitExceeded, input: path, reason: "more than \(maxNodes) YAML nodes (alias expansion?)") }
        if depth > maxDepth { throw KensaError(.limitExceeded, input: path, reason: "YAML nests deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let s):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map { .bool($0) } ?? .string(s.string)
            case Tag.Name.int.rawValue: return node.int.map { .int(Int64($0)) } ?? .string(s.string)
            case Tag.Name.float.rawValue: return node.float.map { .double($0) } ?? .string(s.string)
            default: return .string(s.string)
            }
        case .sequence(let seq):
            var items: [CELValue] = []
            for n in seq { items.append(try convert(n, depth: depth + 1, budget: &budget, path: path)) }
            return .list(items)
        case .mapping(let map):
            var pairs: [(String, CELValue)] = []
            for (k, v) in map {
                guard let key = k.string else { continue }
                pairs.append((key, try convert(v, depth: depth + 1, budget: &budget, path: path)))
            }
            return .map(CELMap(strings: pairs))
        case .alias:
            throw KensaError(.unsupported, input: path, reason: "unresolved YAML alias")
        }
    }
}

extension CELValue {
    subscript(_ key: String) -> CELValue? {
        guard case .map(let m) = self else { return nil }
        return m[key]
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var listValue: [CELValue] {
        if case .list(let l) = self { return l }
        return []
    }

    var stringList: [String] { listValue.compactMap(\.stringValue) }
}
