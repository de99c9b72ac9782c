// A Kubernetes object as checks see it: the parsed value (CEL values, shared with the CEL
// policies), the line of every field, and the pod template of workload kinds.

import KensaCEL
import KensaCore

public struct KubeObject: Sendable {
    public var manifest: ManifestObject
    /// Line of each field path (`spec.containers[0].image`) inside the object.
    let lines: [String: Int]
    let endLine: Int
    /// The pod spec of a workload, with the field-path prefixes of its spec and metadata.
    public let podTemplate: PodTemplate?

    init(manifest: ManifestObject, lines: [String: Int], endLine: Int) {
        self.manifest = manifest
        self.lines = lines
        self.endLine = endLine
        self.podTemplate = Self.podTemplate(of: manifest)
    }

    public var value: CELValue { manifest.value }
    public var kind: String { manifest.kind }
    public var name: String { manifest.name }
    public var namespace: String? { manifest.namespace }

    /// The line of a field, or of its nearest ancestor that exists.
    func line(of fieldPath: String?) -> Int {
        guard var p = fieldPath else { return manifest.line }
        while !p.isEmpty {
            if let l = lines[p] { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            p = String(p[..<cut])
        }
        return manifest.line
    }

    public var annotations: [String: String] { value["metadata"]?["annotations"]?.stringMap ?? [:] }

    static func podTemplate(of manifest: ManifestObject) -> PodTemplate? {
        let prefix: String
        let kind = manifest.kind, value = manifest.value
        switch kind {
        case "Pod": prefix = ""
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "PodTemplate":
            prefix = kind == "PodTemplate" ? "template." : "spec.template."
        case "CronJob": prefix = "spec.jobTemplate.spec.template."
        default: return nil
        }
        var node: CELValue? = value
        for key in prefix.split(separator: ".") { node = node?[String(key)] }
        guard let template = node, case .map = template["spec"] ?? .null else { return nil }
        return PodTemplate(spec: template["spec"] ?? .null, metadata: template["metadata"],
                           specPath: prefix + "spec", metadataPath: prefix + "metadata")
    }
}

public struct PodTemplate: Sendable {
    public var spec: CELValue
    public var metadata: CELValue?
    public var specPath: String
    public var metadataPath: String

    public struct Container: Sendable {
        public var value: CELValue
        public var path: String
        public var name: String
        /// `containers`, `initContainers`, `ephemeralContainers`.
        public var list: String
        public var securityContext: CELValue? { value["securityContext"] }
    }

    /// Every container, init container and ephemeral container, in that order.
    public var allContainers: [Container] {
        var out: [Container] = []
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            for (i, c) in (spec[list]?.listValue ?? []).enumerated() {
                out.append(Container(value: c, path: "\(specPath).\(list)[\(i)]", name: c["name"]?.stringValue ?? "", list: list))
            }
        }
        return out
    }

    /// `containers` only (probes and resources do not apply to init and ephemeral ones).
    public var mainContainers: [Container] { allContainers.filter { $0.list == "containers" } }

    public var podSecurityContext: CELValue? { spec["securityContext"] }
    public var podSecurityContextPath: String { specPath + ".securityContext" }
    public var annotations: [String: String] { metadata?["annotations"]?.stringMap ?? [:] }
    public var isWindows: Bool { spec["os"]?["name"]?.stringValue == "windows" }
}

extension CELValue {
    var stringMap: [String: String] {
        guard case .map(let m) = self else { return [:] }
        var out: [String: String] = [:]
        for i in 0..<m.count { if case .string(let k) = m.keys[i], case .string(let v) = m.values[i] { out[k] = v } }
        return out
    }

    var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .uint(let u): return Int64(exactly: u)
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    var mapEntries: [(String, CELValue)] {
        guard case .map(let m) = self else { return [] }
        var out: [(String, CELValue)] = []
        for i in 0..<m.count { if case .string(let k) = m.keys[i] { out.append((k, m.values[i])) } }
        return out
    }

    var isPresent: Bool { if case .null = self { return false } else { return true } }
}
