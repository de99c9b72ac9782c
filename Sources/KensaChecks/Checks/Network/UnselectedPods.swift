import KensaCore

let netUnselectedPods = Check(
    id: "KNS-NET-003", title: "Pods selected by no NetworkPolicy", severity: .low, family: .network,
    references: [CheckReference("NSA/CISA", "Network separation and hardening")],
    remediation: "Cover the workload's pods with a NetworkPolicy (a namespace default-deny, or one that selects their labels).",
    triggering: [netWorkloadExample, netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {matchLabels: {app: db}}}"),
                 netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {}}", namespace: "other")],
    nonTriggering: [netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}}")],
    rule: .objects { objects in
        let policies = objects.filter { $0.kind == "NetworkPolicy" }.map(NetworkPolicyView.init)
        return objects.filter(isWorkload).compactMap { o in
            let labels = o.podTemplate?.metadata?["labels"]?.stringMap ?? (o.kind == "Pod" ? o.manifest.labels : [:])
            let ns = effectiveNamespace(o)
            if policies.contains(where: { $0.namespace == ns && $0.selects(labels) }) { return nil }
            return (o, CheckHit(fieldPath: (o.podTemplate?.metadataPath ?? "metadata") + ".labels",
                                message: "the pods of \(o.kind) \(o.name) are selected by no NetworkPolicy in namespace \(ns)"))
        }
    })
