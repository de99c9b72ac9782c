import KensaCore

let pssPrivilegeEscalation = Check(
    id: "KNS-PSS-013", title: "Privilege escalation allowed", severity: .medium, family: .podSecurity,
    references: pssReferences("restricted", "Privilege Escalation", cis: "5.2.6", nsa: "Pod security: no privilege escalation"),
    remediation: "Set securityContext.allowPrivilegeEscalation to false in every container.",
    triggering: Example.inEveryContainer("securityContext: {allowPrivilegeEscalation: true}", others: "securityContext: {allowPrivilegeEscalation: false}")
        + Example.inEveryContainer("securityContext: {}", others: "securityContext: {allowPrivilegeEscalation: false}"),
    nonTriggering: [Example.pod("{containers: [{\(Example.container), securityContext: {allowPrivilegeEscalation: false}}], initContainers: [{\(Example.container), securityContext: {allowPrivilegeEscalation: false}}]}"),
                    Example.pod("{os: {name: windows}, containers: [{\(Example.container)}]}")],
    rule: podRule { pod in
        guard !pod.isWindows else { return [] }
        return pod.allContainers.compactMap { c in
            let v = value(c.securityContext, ["allowPrivilegeEscalation"])
            if v?.boolValue == false { return nil }
            return CheckHit(fieldPath: "\(c.path).securityContext.allowPrivilegeEscalation",
                            message: v == nil ? "\(describe(c)) does not set allowPrivilegeEscalation: false"
                                : "\(describe(c)) sets allowPrivilegeEscalation: true")
        }
    })
