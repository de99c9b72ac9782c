import KensaCore

private let workloadResources: [(String, Set<String>)] = [
    ("pods", [""]), ("deployments", ["apps", "extensions"]), ("statefulsets", ["apps"]), ("daemonsets", ["apps", "extensions"]),
    ("replicasets", ["apps", "extensions"]), ("jobs", ["batch"]), ("cronjobs", ["batch"]), ("replicationcontrollers", [""]),
]

let rbacCreateWorkloads = Check(
    id: "KNS-RBAC-004", title: "Role can create pods or workloads", severity: .medium, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.4")],
    remediation: "Limit pod and workload creation to deployment tooling; a pod creator can run as any service account in the namespace.",
    triggering: [roleExample("[{apiGroups: [''], resources: [pods], verbs: [create]}]"), roleExample("[{apiGroups: [apps], resources: [deployments], verbs: [create, update]}]", kind: "Role")],
    nonTriggering: [roleExample("[{apiGroups: [apps], resources: [deployments], verbs: [get, list]}]")],
    rule: rbacRule { o, r in
        guard r.grants(["create"]), let res = workloadResources.first(where: { r.covers($0.0, groups: $0.1) }) else { return nil }
        return CheckHit(fieldPath: "rules[\(r.index)].verbs", message: "\(o.kind) \(o.name) can create \(res.0)")
    })
