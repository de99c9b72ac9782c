import KensaCore

let pssSeccompBaseline = Check(
    id: "KNS-PSS-010", title: "Seccomp profile Unconfined", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "Seccomp", cis: "5.7.2", nsa: "Pod security: seccomp"),
    remediation: "Set seccompProfile.type to RuntimeDefault or Localhost.",
    triggering: Example.atPodLevel("securityContext: {seccompProfile: {type: Unconfined}}")
        + Example.inEveryContainer("securityContext: {seccompProfile: {type: Unconfined}}"),
    nonTriggering: Example.inEveryContainer("securityContext: {seccompProfile: {type: RuntimeDefault}}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: ["seccompProfile", "type"], containerKeys: ["seccompProfile", "type"]) { v in
            v.stringValue == "Unconfined" ? "is Unconfined" : nil
        }
    })
