// NetworkPolicy coverage over the whole scanned set. Objects without a namespace count as
// being in `default` (where kubectl applies them unless told otherwise).

import KensaCEL
import KensaCore

func effectiveNamespace(_ o: KubeObject) -> String { o.namespace ?? "default" }

struct NetworkPolicyView {
    var namespace: String
    var selector: CELValue?
    var ingressDeny: Bool
    var egressDeny: Bool

    init(_ o: KubeObject) {
        namespace = effectiveNamespace(o)
        let spec = o.value["spec"]
        selector = spec?["podSelector"]
        var types = spec?["policyTypes"]?.stringList ?? []
        if types.isEmpty { types = ["Ingress"] + (spec?["egress"] != nil ? ["Egress"] : []) }
        let selectsAll = selector.map { $0["matchLabels"]?.mapEntries.isEmpty ?? true } ?? true
            && (selector?["matchExpressions"]?.listValue.isEmpty ?? true)
        ingressDeny = selectsAll && types.contains("Ingress") && (spec?["ingress"]?.listValue.isEmpty ?? true)
        egressDeny = selectsAll && types.contains("Egress") && (spec?["egress"]?.listValue.isEmpty ?? true)
    }

    func selects(_ labels: [String: String]) -> Bool { labelSelectorMatches(selector, labels) }
}

/// `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist); an empty selector matches all.
func labelSelectorMatches(_ selector: CELValue?, _ labels: [String: String]) -> Bool {
    for (k, v) in selector?["matchLabels"]?.mapEntries ?? [] where labels[k] != v.stringValue { return false }
    for e in selector?["matchExpressions"]?.listValue ?? [] {
        let key = e["key"]?.stringValue ?? ""
        let values = e["values"]?.stringList ?? []
        switch e["operator"]?.stringValue ?? "" {
        case "In": if !values.contains(labels[key] ?? "\u{0}") { return false }
        case "NotIn": if let v = labels[key], values.contains(v) { return false }
        case "Exists": if labels[key] == nil { return false }
        case "DoesNotExist": if labels[key] != nil { return false }
        default: return false
        }
    }
    return true
}

func isWorkload(_ o: KubeObject) -> Bool { o.podTemplate != nil && o.kind != "PodTemplate" }

func netPolicyExample(_ spec: String, namespace: String = "shop") -> String {
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: \(namespace)}\nspec: \(spec)\n"
}

let netWorkloadExample = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: 'a:1'}]}\n"

/// The first workload of each namespace that fails `covered`, so a namespace yields one finding.
func namespaceHits(_ objects: [KubeObject], covered: (NetworkPolicyView) -> Bool, message: (String) -> String) -> [(KubeObject, CheckHit)] {
    let policies = objects.filter { $0.kind == "NetworkPolicy" }.map(NetworkPolicyView.init)
    var seen: Set<String> = []
    var out: [(KubeObject, CheckHit)] = []
    for o in objects where isWorkload(o) {
        let ns = effectiveNamespace(o)
        guard !seen.contains(ns) else { continue }
        seen.insert(ns)
        if !policies.contains(where: { $0.namespace == ns && covered($0) }) {
            out.append((o, CheckHit(fieldPath: "metadata", message: message(ns))))
        }
    }
    return out
}
