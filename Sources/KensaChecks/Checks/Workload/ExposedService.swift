import KensaCore

let wlExposedService = Check(
    id: "KNS-WL-010", title: "Service of type NodePort or LoadBalancer", severity: .low, family: .workload,
    references: wlReferences(nsa: "Network separation"),
    remediation: "Use a ClusterIP Service behind an Ingress or Gateway unless the service must be reachable from outside.",
    triggering: ["apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n",
                 "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n"],
    nonTriggering: ["apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n"],
    rule: .object { o in
        guard o.kind == "Service", let t = o.value["spec"]?["type"]?.stringValue, t == "NodePort" || t == "LoadBalancer" else { return [] }
        return [CheckHit(fieldPath: "spec.type", message: "Service \(o.name) is of type \(t) and reachable from outside the cluster")]
    })
