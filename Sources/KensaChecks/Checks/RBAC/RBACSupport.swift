import KensaCore

struct RBACRule {
    var index: Int
    var apiGroups: [String]
    var resources: [String]
    var verbs: [String]
    var resourceNames: [String]

    func grants(_ verbs: Set<String>) -> Bool { self.verbs.contains("*") || !Set(self.verbs).isDisjoint(with: verbs) }
    /// Resource `r` (`secrets`, `pods/exec`) in one of `groups`.
    func covers(_ r: String, groups: Set<String>) -> Bool {
        (apiGroups.contains("*") || !Set(apiGroups).isDisjoint(with: groups)) && (resources.contains("*") || resources.contains(r))
    }
}

/// The rules of a Role or ClusterRole.
func rbacRules(_ o: KubeObject) -> [RBACRule] {
    guard o.kind == "Role" || o.kind == "ClusterRole", o.manifest.apiVersion.hasPrefix("rbac.authorization.k8s.io") else { return [] }
    return (o.value["rules"]?.listValue ?? []).enumerated().map { i, r in
        RBACRule(index: i, apiGroups: r["apiGroups"]?.stringList ?? [], resources: r["resources"]?.stringList ?? [],
                 verbs: r["verbs"]?.stringList ?? [], resourceNames: r["resourceNames"]?.stringList ?? [])
    }
}

func rbacRule(_ body: @escaping @Sendable (KubeObject, RBACRule) -> CheckHit?) -> Check.Rule {
    .object { o in rbacRules(o).compactMap { body(o, $0) } }
}

func roleExample(_ rules: String, kind: String = "ClusterRole") -> String {
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(kind)\nmetadata: {name: r, namespace: ns}\nrules: \(rules)\n"
}

func bindingExample(role: String, subjects: String, kind: String = "ClusterRoleBinding") -> String {
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(kind)\nmetadata: {name: b, namespace: ns}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(role)}\nsubjects: \(subjects)\n"
}

let cisRBAC = "CIS Kubernetes"
