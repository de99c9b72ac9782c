import KensaCore

let rbacWildcards = Check(
    id: "KNS-RBAC-001", title: "Wildcard in RBAC rule", severity: .high, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.3")],
    remediation: "Name the verbs, resources and API groups the role needs instead of '*'.",
    triggering: [roleExample("[{apiGroups: [''], resources: ['*'], verbs: [get]}]"), roleExample("[{apiGroups: [apps], resources: [deployments], verbs: ['*']}]", kind: "Role")],
    nonTriggering: [roleExample("[{apiGroups: [''], resources: [configmaps], verbs: [get, list]}]")],
    rule: rbacRule { o, r in
        let fields = [("verbs", r.verbs), ("resources", r.resources), ("apiGroups", r.apiGroups)].filter { $0.1.contains("*") }.map(\.0)
        guard let first = fields.first else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)].\(first)", message: "\(o.kind) \(o.name) grants '*' in \(fields.joined(separator: ", "))")
    })
