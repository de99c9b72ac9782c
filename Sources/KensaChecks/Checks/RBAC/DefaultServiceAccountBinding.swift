import KensaCore

let rbacDefaultServiceAccount = Check(
    id: "KNS-RBAC-008", title: "Default service account has a role binding", severity: .medium, family: .rbac,
    references: [CheckReference(cisRBAC, "5.1.5")],
    remediation: "Create a dedicated service account for the workload and bind the role to it.",
    triggering: [bindingExample(role: "edit", subjects: "[{kind: ServiceAccount, name: default, namespace: shop}]", kind: "RoleBinding")],
    nonTriggering: [bindingExample(role: "edit", subjects: "[{kind: ServiceAccount, name: shop-api, namespace: shop}]", kind: "RoleBinding")],
    rule: .object { o in
        guard o.kind == "ClusterRoleBinding" || o.kind == "RoleBinding" else { return [] }
        return (o.value["subjects"]?.listValue ?? []).enumerated().compactMap { i, s in
            s["kind"]?.stringValue == "ServiceAccount" && s["name"]?.stringValue == "default"
                ? CheckHit(fieldPath: "subjects[\(i)]", message: "\(o.kind) \(o.name) binds a role to the default service account") : nil
        }
    })
