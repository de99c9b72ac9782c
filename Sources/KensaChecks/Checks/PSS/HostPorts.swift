import KensaCore

let pssHostPorts = Check(
    id: "KNS-PSS-006", title: "Host port", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "Host Ports"),
    remediation: "Remove hostPort; expose the container through a Service.",
    triggering: Example.inEveryContainer("ports: [{containerPort: 80, hostPort: 8080}]"),
    nonTriggering: Example.inEveryContainer("ports: [{containerPort: 80}, {containerPort: 81, hostPort: 0}]"),
    rule: podRule { pod in
        var hits: [CheckHit] = []
        for c in pod.allContainers {
            for (i, p) in (c.value["ports"]?.listValue ?? []).enumerated() {
                if let hp = p["hostPort"]?.intValue, hp != 0 {
                    hits.append(CheckHit(fieldPath: "\(c.path).ports[\(i)].hostPort", message: "\(describe(c)) binds host port \(hp)"))
                }
            }
        }
        return hits
    })
