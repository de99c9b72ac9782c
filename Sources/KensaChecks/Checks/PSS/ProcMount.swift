import KensaCore

let pssProcMount = Check(
    id: "KNS-PSS-009", title: "Unmasked /proc mount", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "/proc Mount Type"),
    remediation: "Remove securityContext.procMount or set it to Default.",
    triggering: Example.inEveryContainer("securityContext: {procMount: Unmasked}"),
    nonTriggering: Example.inEveryContainer("securityContext: {procMount: Default}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: nil, containerKeys: ["procMount"]) { v in
            v.stringValue == "Default" ? nil : "is \(v.stringValue ?? "not a string")"
        }
    })
