import KensaCore

let wlResourceRequests = Check(
    id: "KNS-WL-002", title: "No CPU or memory request", severity: .low, family: .workload,
    references: wlReferences(nsa: "Resource policies"),
    remediation: "Set resources.requests (or limits, which requests default to) for cpu and memory on every container and init container.",
    triggering: [workloadExample("image: 'a:1'"), workloadExample("image: 'a:1', resources: {requests: {memory: 64Mi}}")],
    nonTriggering: [workloadExample("image: 'a:1', resources: {requests: {cpu: 100m, memory: 64Mi}}"),
                    workloadExample("image: 'a:1', resources: {requests: {cpu: 100m}, limits: {memory: 64Mi}}")],
    rule: podRule { pod in
        pod.allContainers.filter { $0.list != "ephemeralContainers" }.compactMap { c in
            // A limit without a request makes Kubernetes default the request to the limit.
            let requests = c.value["resources"]?["requests"], limits = c.value["resources"]?["limits"]
            let missing = ["cpu", "memory"].filter { requests?[$0] == nil && limits?[$0] == nil }
            return missing.isEmpty ? nil : CheckHit(fieldPath: "\(c.path).resources.requests",
                                                    message: "\(describe(c)) has no \(missing.joined(separator: " or ")) request")
        }
    })
