import KensaCore

let pssRunAsUser = Check(
    id: "KNS-PSS-015", title: "Runs as user 0 (root)", severity: .medium, family: .podSecurity,
    references: pssReferences("restricted", "Running as Non-root user", nsa: "Pod security: non-root containers"),
    remediation: "Set runAsUser to a non-zero user ID, or leave it unset and let runAsNonRoot enforce it.",
    triggering: Example.atPodLevel("securityContext: {runAsUser: 0}") + Example.inEveryContainer("securityContext: {runAsUser: 0}"),
    nonTriggering: Example.atPodLevel("securityContext: {runAsUser: 1000}") + Example.inEveryContainer("securityContext: {runAsUser: 10001}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: ["runAsUser"], containerKeys: ["runAsUser"]) { $0.intValue == 0 ? "is 0" : nil }
    })
