import KensaCore

let wlDefaultNamespace = Check(
    id: "KNS-WL-007", title: "Object in the default namespace", severity: .low, family: .workload,
    references: wlReferences(cis: "5.7.4"),
    remediation: "Put workloads in a namespace of their own, with its own policies.",
    triggering: [workloadExample("image: 'a:1'", namespace: "default")],
    nonTriggering: [workloadExample("image: 'a:1'", namespace: "shop")],
    rule: .object { o in
        o.namespace == "default" ? [CheckHit(fieldPath: "metadata.namespace", message: "\(o.kind) \(o.name) is in the default namespace")] : []
    })
