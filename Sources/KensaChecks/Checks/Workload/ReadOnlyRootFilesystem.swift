import KensaCore

let wlReadOnlyRootFilesystem = Check(
    id: "KNS-WL-003", title: "Writable root filesystem", severity: .low, family: .workload,
    references: wlReferences(nsa: "Immutable container file systems"),
    remediation: "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.",
    triggering: [workloadExample("image: 'a:1'"), workloadExample("image: 'a:1', securityContext: {readOnlyRootFilesystem: false}")],
    nonTriggering: [workloadExample("image: 'a:1', securityContext: {readOnlyRootFilesystem: true}")],
    rule: podRule { pod in
        pod.allContainers.filter { $0.list != "ephemeralContainers" }.compactMap { c in
            value(c.securityContext, ["readOnlyRootFilesystem"])?.boolValue == true ? nil
                : CheckHit(fieldPath: "\(c.path).securityContext.readOnlyRootFilesystem", message: "\(describe(c)) has a writable root filesystem")
        }
    })
