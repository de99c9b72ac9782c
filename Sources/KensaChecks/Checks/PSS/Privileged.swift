import KensaCore

let pssPrivileged = Check(
    id: "KNS-PSS-003", title: "Privileged container", severity: .high, family: .podSecurity,
    references: pssReferences("baseline", "Privileged Containers", cis: "5.2.2", nsa: "Pod security: non-privileged containers"),
    remediation: "Remove securityContext.privileged or set it to false.",
    triggering: Example.inEveryContainer("securityContext: {privileged: true}"),
    nonTriggering: Example.inEveryContainer("securityContext: {privileged: false}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: nil, containerKeys: ["privileged"]) { $0.boolValue == true ? "is true" : nil }
    })
