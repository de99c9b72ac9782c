import KensaCore

let rbacPodExec = Check(
    id: "KNS-RBAC-003", title: "Role can exec into pods", severity: .high, family: .rbac,
    references: [],
    remediation: "Remove pods/exec and pods/attach from roles that do not need interactive access.",
    triggering: [roleExample("[{apiGroups: [''], resources: [pods/exec], verbs: [create]}]"), roleExample("[{apiGroups: [''], resources: [pods/attach], verbs: [get, create]}]", kind: "Role")],
    nonTriggering: [roleExample("[{apiGroups: [''], resources: [pods, pods/log], verbs: [get]}]")],
    rule: rbacRule { o, r in
        guard r.covers("pods/exec", groups: [""]) || r.covers("pods/attach", groups: [""]), r.grants(["create", "get"]) else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)].resources", message: "\(o.kind) \(o.name) can exec or attach into pods")
    })
