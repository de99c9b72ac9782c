import KensaCore

let rbacNodesProxy = Check(
    id: "KNS-RBAC-006", title: "Role can use nodes/proxy", severity: .high, family: .rbac,
    references: [],
    remediation: "Remove nodes/proxy: it reaches the kubelet API and bypasses admission and audit.",
    triggering: [roleExample("[{apiGroups: [''], resources: [nodes/proxy], verbs: [get]}]")],
    nonTriggering: [roleExample("[{apiGroups: [''], resources: [nodes], verbs: [get]}]")],
    rule: rbacRule { o, r in
        guard r.resources.contains("nodes/proxy"), r.apiGroups.contains("") || r.apiGroups.contains("*"), !r.verbs.isEmpty else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)].resources", message: "\(o.kind) \(o.name) grants nodes/proxy")
    })
