import KensaCore

let rbacClusterAdminBinding = Check(
    id: "KNS-RBAC-007", title: "cluster-admin bound to a non-system subject", severity: .high, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.1")],
    remediation: "Bind a narrower role; keep cluster-admin for break-glass accounts.",
    triggering: [bindingExample(role: "cluster-admin", subjects: "[{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]"),
                 bindingExample(role: "cluster-admin", subjects: "[{kind: ServiceAccount, name: ci, namespace: ci}]", kind: "RoleBinding")],
    nonTriggering: [bindingExample(role: "cluster-admin", subjects: "[{kind: Group, name: 'system:masters', apiGroup: rbac.authorization.k8s.io}]"),
                    bindingExample(role: "view", subjects: "[{kind: User, name: alice}]")],
    rule: .object { o in
        guard o.kind == "ClusterRoleBinding" || o.kind == "RoleBinding", o.value["roleRef"]?["name"]?.stringValue == "cluster-admin" else { return [] }
        return (o.value["subjects"]?.listValue ?? []).enumerated().compactMap { i, s in
            let name = s["name"]?.stringValue ?? ""
            return name.hasPrefix("system:") ? nil
                : CheckHit(fieldPath: "subjects[\(i)]", message: "\(o.kind) \(o.name) gives cluster-admin to \(s["kind"]?.stringValue ?? "") \(name)")
        }
    })
