import KensaCore

func wlReferences(cis: String? = nil, nsa: String? = nil) -> [CheckReference] {
    var refs: [CheckReference] = []
    if let cis { refs.append(CheckReference("CIS Kubernetes", cis)) }
    if let nsa { refs.append(CheckReference("NSA/CISA", nsa)) }
    return refs
}

/// A Deployment whose one container has `fields`, and the pod-level `podFields`.
func workloadExample(_ fields: String, podFields: String = "", namespace: String = "apps") -> String {
    let p = podFields.isEmpty ? "" : podFields + ", "
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: \(namespace)}\nspec:\n  template:\n    spec: {\(p)containers: [{name: web, \(fields)}]}\n"
}
