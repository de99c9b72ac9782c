import KensaCore

let rbacReadSecrets = Check(
    id: "KNS-RBAC-002", title: "Role can read secrets", severity: .high, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.2")],
    remediation: "Grant get/list/watch on secrets only to the controllers that need them, limited by resourceNames.",
    triggering: [roleExample("[{apiGroups: [''], resources: [secrets], verbs: [list]}]"), roleExample("[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]")],
    nonTriggering: [roleExample("[{apiGroups: [''], resources: [secrets], verbs: [create]}]"),
                    roleExample("[{apiGroups: [''], resources: [secrets], resourceNames: [tls], verbs: [get]}]", kind: "Role")],
    rule: rbacRule { o, r in
        guard r.covers("secrets", groups: [""]), r.grants(["get", "list", "watch"]), r.resourceNames.isEmpty else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)]", message: "\(o.kind) \(o.name) can read secrets")
    })
