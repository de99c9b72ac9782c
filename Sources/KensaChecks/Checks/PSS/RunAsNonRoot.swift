import KensaCore

let pssRunAsNonRoot = Check(
    id: "KNS-PSS-014", title: "May run as root", severity: .medium, family: .podSecurity,
    references: pssReferences("restricted", "Running as Non-root", cis: "5.2.7", nsa: "Pod security: non-root containers"),
    remediation: "Set securityContext.runAsNonRoot: true on the pod (or every container) and never false in a container.",
    triggering: Example.inEveryContainer("securityContext: {}", others: "securityContext: {runAsNonRoot: true}")
        + Example.inEveryContainer("securityContext: {runAsNonRoot: false}", podFields: "securityContext: {runAsNonRoot: true}")
        + Example.atPodLevel("securityContext: {runAsNonRoot: false}", container: "securityContext: {}"),
    nonTriggering: Example.atPodLevel("securityContext: {runAsNonRoot: true}")
        + [Example.pod("{containers: [{\(Example.container), securityContext: {runAsNonRoot: true}}], initContainers: [{\(Example.container), securityContext: {runAsNonRoot: true}}]}")],
    rule: podRule { pod in
        let podLevel = value(pod.podSecurityContext, ["runAsNonRoot"])?.boolValue
        var hits: [CheckHit] = []
        if podLevel == false {
            hits.append(CheckHit(fieldPath: pod.podSecurityContextPath + ".runAsNonRoot", message: "pod securityContext.runAsNonRoot is false"))
        }
        for c in pod.allContainers {
            switch value(c.securityContext, ["runAsNonRoot"])?.boolValue {
            case true?: continue
            case false?:
                hits.append(CheckHit(fieldPath: "\(c.path).securityContext.runAsNonRoot", message: "\(describe(c)) sets runAsNonRoot: false"))
            case nil:
                if podLevel != true {
                    hits.append(CheckHit(fieldPath: "\(c.path).securityContext.runAsNonRoot",
                                         message: "\(describe(c)) may run as root: runAsNonRoot is set neither on it nor on the pod"))
                }
            }
        }
        return hits
    })
