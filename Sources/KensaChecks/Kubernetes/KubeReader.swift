// Reads Kubernetes YAML/JSON into KubeObjects: multi-document files, `List` kinds (each item
// is an object), documents that are not Kubernetes objects (no apiVersion/kind) skipped. The
// line of every field is kept so a finding points at the offending line. Same bounds as
// ManifestLoader (bytes, nodes, depth), so alias bombs end in a KensaError.

import KensaCEL
import KensaCore
import Yams

public enum KubeReader {
    public static func read(_ text: String, path: String) throws(KensaError) -> [KubeObject] {
        if text.utf8.count > ManifestLoader.maxBytes {
            throw KensaError(.limitExceeded, input: path, reason: "manifest is larger than \(ManifestLoader.maxBytes) bytes")
        }
        if let documents = YAMLEventReader.documents(text, maxNodes: ManifestLoader.maxNodes, maxDepth: ManifestLoader.maxDepth) {
            var out: [KubeObject] = []
            for d in documents { append(d.value, line: d.line, lines: d.lines, prefix: "", path: path, into: &out) }
            return out
        }
        return try readComposed(text, path: path)
    }

    /// The full way, through Yams's node tree: files the event reader gives up on, and the
    /// reference its tests compare against.
    static func readComposed(_ text: String, path: String) throws(KensaError) -> [KubeObject] {
        var out: [KubeObject] = []
        var budget = ManifestLoader.maxNodes
        do {
            // The basic resolver leaves plain scalars untyped and `plainScalar` types them: Yams's
            // default resolver runs regular expressions on every scalar (a fifth of a corpus scan). The
            // encoding is given because its default reads the whole environment on every call.
            var documents = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            while let node = documents.next() {
                var lines: [String: Int] = [:]
                let value = try convert(node, fieldPath: "", depth: 0, budget: &budget, lines: &lines, path: path)
                let line = node.mark?.line ?? 1
                append(value, line: line, lines: lines, prefix: "", path: path, into: &out)
            }
            if let error = documents.error { throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)") }
        } catch let e as KensaError {
            throw e
        } catch {
            throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)")
        }
        return out
    }

    private static func append(_ value: CELValue, line: Int, lines: [String: Int], prefix: String, path: String,
                               into out: inout [KubeObject]) {
        guard value["apiVersion"]?.stringValue != nil, let kind = value["kind"]?.stringValue else { return }
        if kind.hasSuffix("List"), case .list(let items)? = value["items"] {
            for (i, item) in items.enumerated() {
                let p = "\(prefix)items[\(i)]"
                var sub: [String: Int] = [:]
                for (k, l) in lines where k.hasPrefix(p + ".") { sub[String(k.dropFirst(p.count + 1))] = l }
                append(item, line: lines[p] ?? line, lines: sub, prefix: "", path: path, into: &out)
            }
            return
        }
        guard let manifest = ManifestLoader.object(value, path: path, line: line) else { return }
        out.append(KubeObject(manifest: manifest, lines: lines, endLine: max(line, lines.values.max() ?? line)))
    }

    /// YAML 1.1 plain-scalar typing, as Yams's default resolver (and Kubernetes' YAML decoder) do it.
    static func plainScalar(_ s: String) -> CELValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return .string(s) }
        if let i = Int64(s) { return .int(i) }
        if s.hasPrefix("0x"), let i = Int64(s.dropFirst(2), radix: 16) { return .int(i) }
        if s.hasPrefix("0o"), let i = Int64(s.dropFirst(2), radix: 8) { return .int(i) }
        if s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), s.contains(where: \.isNumber), let d = Double(s) { return .double(d) }
        return .string(s)
    }

    private static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }

    private static func convert(_ node: Node, fieldPath: String, depth: Int, budget: inout Int, lines: inout [String: Int],
                                path: String) throws -> CELValue {
        budget -= 1
        if budget < 0 { throw KensaError(.limitExceeded, input: path, reason: "more than \(ManifestLoader.maxNodes) YAML nodes (alias expansion?)") }
        if depth > ManifestLoader.maxDepth { throw KensaError(.limitExceeded, input: path, reason: "YAML nests deeper than \(ManifestLoader.maxDepth) levels") }
        switch node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any else { return .string(s.string) }
            switch node.tag.rawValue {
            case Tag.Name.str.rawValue, Tag.implicit.rawValue: return plainScalar(s.string)
            default: return try ManifestLoader.convert(node, depth: depth, budget: &budget, path: path)
            }
        case .sequence(let seq):
            var items: [CELValue] = []
            for (i, n) in seq.enumerated() {
                let p = "\(fieldPath)[\(i)]"
                if let l = n.mark?.line { lines[p] = l }
                items.append(try convert(n, fieldPath: p, depth: depth + 1, budget: &budget, lines: &lines, path: path))
            }
            return .list(items)
        case .mapping(let map):
            var pairs: [(String, CELValue)] = []
            for (k, v) in map {
                guard let key = k.string else { continue }
                let p = join(fieldPath, key)
                if let l = k.mark?.line { lines[p] = l }
                pairs.append((key, try convert(v, fieldPath: p, depth: depth + 1, budget: &budget, lines: &lines, path: path)))
            }
            return .map(CELMap(strings: pairs))
        case .alias:
            throw KensaError(.unsupported, input: path, reason: "unresolved YAML alias")
        }
    }
}
