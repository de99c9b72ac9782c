import KensaCore

let pssHostProcess = Check(
    id: "KNS-PSS-001", title: "Windows HostProcess containers", severity: .high, family: .podSecurity,
    references: pssReferences("baseline", "HostProcess"),
    remediation: "Remove windowsOptions.hostProcess or set it to false.",
    triggering: Example.atPodLevel("securityContext: {windowsOptions: {hostProcess: true}}")
        + Example.inEveryContainer("securityContext: {windowsOptions: {hostProcess: true}}"),
    nonTriggering: Example.atPodLevel("securityContext: {windowsOptions: {hostProcess: false}}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: ["windowsOptions", "hostProcess"], containerKeys: ["windowsOptions", "hostProcess"]) {
            $0.boolValue == true ? "is true" : nil
        }
    })
