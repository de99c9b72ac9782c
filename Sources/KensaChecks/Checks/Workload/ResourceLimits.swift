import KensaCore

let wlResourceLimits = Check(
    id: "KNS-WL-001", title: "No CPU or memory limit", severity: .low, family: .workload,
    references: wlReferences(nsa: "Resource policies"),
    remediation: "Set resources.limits.cpu and resources.limits.memory on every container and init container.",
    triggering: [workloadExample("image: 'a:1'"), workloadExample("image: 'a:1', resources: {limits: {cpu: 500m}}"),
                 workloadExample("image: 'a:1', resources: {limits: {cpu: 500m, memory: 128Mi}}", podFields: "initContainers: [{name: init, image: 'a:1'}]")],
    nonTriggering: [workloadExample("image: 'a:1', resources: {limits: {cpu: 500m, memory: 128Mi}}")],
    rule: podRule { pod in
        pod.allContainers.filter { $0.list != "ephemeralContainers" }.compactMap { c in
            let limits = c.value["resources"]?["limits"]
            let missing = ["cpu", "memory"].filter { limits?[$0] == nil }
            return missing.isEmpty ? nil : CheckHit(fieldPath: "\(c.path).resources.limits",
                                                    message: "\(describe(c)) has no \(missing.joined(separator: " or ")) limit")
        }
    })
