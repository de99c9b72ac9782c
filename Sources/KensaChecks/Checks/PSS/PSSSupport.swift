// Shared by the Pod Security Standards checks: the per-place evaluation of securityContext
// fields (pod level, then every container, init container and ephemeral container), and the
// example builders that put a field in each of those places.

import KensaCEL
import KensaCore

func pssReferences(_ level: String, _ control: String, cis: String? = nil, nsa: String? = nil) -> [CheckReference] {
    var refs = [CheckReference("PSS \(level)", control)]
    if let cis { refs.append(CheckReference("CIS Kubernetes", cis)) }
    if let nsa { refs.append(CheckReference("NSA/CISA", nsa)) }
    return refs
}

/// A rule over the pod template of every workload kind.
func podRule(_ body: @escaping @Sendable (PodTemplate) -> [CheckHit]) -> Check.Rule {
    .object { object in object.podTemplate.map(body) ?? [] }
}

func describe(_ c: PodTemplate.Container) -> String {
    let kind = c.list == "containers" ? "container" : c.list == "initContainers" ? "init container" : "ephemeral container"
    return "\(kind) \"\(c.name)\""
}

func value(_ root: CELValue?, _ keys: [String]) -> CELValue? {
    var v = root
    for k in keys { v = v?[k] }
    if case .null? = v { return nil }
    return v
}

/// Hits for one securityContext field wherever it is set: the pod's securityContext (when the
/// field exists there) and each container's. `bad` returns why a value is not allowed.
func securityContextHits(_ pod: PodTemplate, podKeys: [String]?, containerKeys: [String],
                         bad: (CELValue) -> String?) -> [CheckHit] {
    var hits: [CheckHit] = []
    if let podKeys, let v = value(pod.podSecurityContext, podKeys), let why = bad(v) {
        hits.append(CheckHit(fieldPath: pod.podSecurityContextPath + "." + podKeys.joined(separator: "."),
                             message: "pod securityContext.\(podKeys.joined(separator: ".")) \(why)"))
    }
    for c in pod.allContainers {
        if let v = value(c.securityContext, containerKeys), let why = bad(v) {
            hits.append(CheckHit(fieldPath: c.path + ".securityContext." + containerKeys.joined(separator: "."),
                                 message: "\(describe(c)) securityContext.\(containerKeys.joined(separator: ".")) \(why)"))
        }
    }
    return hits
}

/// Example documents: the same pod spec as a Pod, a Deployment and a CronJob (flow-style YAML).
enum Example {
    static let container = "name: app, image: 'registry.example/app:1.0'"
    /// A container that meets every restricted control.
    static let restrictedContext = "securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}"

    static func pod(_ spec: String, annotations: String? = nil) -> String {
        let meta = annotations.map { "{name: p, annotations: {\($0)}}" } ?? "{name: p}"
        return "apiVersion: v1\nkind: Pod\nmetadata: \(meta)\nspec: \(spec)\n"
    }

    static func deployment(_ spec: String, annotations: String? = nil) -> String {
        let meta = annotations.map { "{annotations: {\($0)}}" } ?? "{}"
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: \(meta)\n    spec: \(spec)\n"
    }

    static func cronJob(_ spec: String) -> String {
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec: \(spec)\n"
    }

    /// The pod-level fields `podFields` (may be empty) and a container whose fields are
    /// `fields`, put as a container, an init container and an ephemeral container of a Pod,
    /// and as a Deployment's and a CronJob's container.
    static func inEveryContainer(_ fields: String, podFields: String = "", others: String = "") -> [String] {
        let p = podFields.isEmpty ? "" : podFields + ", "
        let good = others.isEmpty ? container : container + ", " + others
        let bad = "\(container), \(fields)"
        return [
            pod("{\(p)containers: [{\(bad)}]}"),
            pod("{\(p)containers: [{\(good)}], initContainers: [{\(bad)}]}"),
            pod("{\(p)containers: [{\(good)}], ephemeralContainers: [{\(bad)}]}"),
            deployment("{\(p)containers: [{\(bad)}]}"),
            cronJob("{\(p)containers: [{\(bad)}]}"),
        ]
    }

    /// The pod-level fields in a Pod, a Deployment and a CronJob.
    static func atPodLevel(_ podFields: String, container fields: String = "") -> [String] {
        let c = fields.isEmpty ? container : container + ", " + fields
        let spec = "{\(podFields), containers: [{\(c)}]}"
        return [pod(spec), deployment(spec), cronJob(spec)]
    }
}
