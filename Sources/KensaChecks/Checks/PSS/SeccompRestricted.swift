import KensaCore

let pssSeccompRestricted = Check(
    id: "KNS-PSS-016", title: "Seccomp profile not set", severity: .low, family: .podSecurity,
    references: pssReferences("restricted", "Seccomp", cis: "5.7.2", nsa: "Pod security: seccomp"),
    remediation: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or every container.",
    triggering: Example.inEveryContainer("securityContext: {}", others: "securityContext: {seccompProfile: {type: RuntimeDefault}}")
        + Example.atPodLevel("securityContext: {seccompProfile: {type: Unconfined}}"),
    nonTriggering: Example.atPodLevel("securityContext: {seccompProfile: {type: RuntimeDefault}}")
        + Example.atPodLevel("securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}", container: "securityContext: {seccompProfile: {type: RuntimeDefault}}")
        + [Example.pod("{os: {name: windows}, containers: [{\(Example.container)}]}")],
    rule: podRule { pod in
        guard !pod.isWindows else { return [] }
        let allowed: Set<String> = ["RuntimeDefault", "Localhost"]
        let podType = value(pod.podSecurityContext, ["seccompProfile", "type"])?.stringValue
        var hits: [CheckHit] = []
        if let podType, !allowed.contains(podType) {
            hits.append(CheckHit(fieldPath: pod.podSecurityContextPath + ".seccompProfile.type", message: "pod seccompProfile.type is \(podType)"))
        }
        for c in pod.allContainers {
            let t = value(c.securityContext, ["seccompProfile", "type"])?.stringValue
            if let t {
                if !allowed.contains(t) {
                    hits.append(CheckHit(fieldPath: "\(c.path).securityContext.seccompProfile.type", message: "\(describe(c)) seccompProfile.type is \(t)"))
                }
            } else if podType == nil {
                hits.append(CheckHit(fieldPath: "\(c.path).securityContext.seccompProfile",
                                     message: "\(describe(c)) has no seccomp profile, neither its own nor the pod's"))
            }
        }
        return hits
    })
