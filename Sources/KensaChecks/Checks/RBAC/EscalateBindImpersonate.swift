import KensaCore

let rbacEscalate = Check(
    id: "KNS-RBAC-005", title: "Role can escalate, bind or impersonate", severity: .high, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.8")],
    remediation: "Remove the escalate, bind and impersonate verbs; they let a subject gain permissions it does not hold.",
    triggering: [roleExample("[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}]"),
                 roleExample("[{apiGroups: [''], resources: [users, groups, serviceaccounts], verbs: [impersonate]}]")],
    nonTriggering: [roleExample("[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [get]}]")],
    rule: rbacRule { o, r in
        let verbs = r.verbs.filter { ["escalate", "bind", "impersonate"].contains($0) }
        guard !verbs.isEmpty else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)].verbs", message: "\(o.kind) \(o.name) grants \(verbs.joined(separator: ", "))")
    })
