import KensaCore

let pssHostNamespaces = Check(
    id: "KNS-PSS-002", title: "Host namespaces shared", severity: .high, family: .podSecurity,
    references: pssReferences("baseline", "Host Namespaces", cis: "5.2.3, 5.2.4, 5.2.5", nsa: "Pod security: host namespaces"),
    remediation: "Remove hostNetwork, hostPID and hostIPC or set them to false.",
    triggering: Example.atPodLevel("hostNetwork: true") + Example.atPodLevel("hostPID: true") + Example.atPodLevel("hostIPC: true"),
    nonTriggering: Example.atPodLevel("hostNetwork: false, hostPID: false"),
    rule: podRule { pod in
        ["hostNetwork", "hostPID", "hostIPC"].compactMap { key in
            pod.spec[key]?.boolValue == true
                ? CheckHit(fieldPath: "\(pod.specPath).\(key)", message: "pod sets \(key): true and shares the node's namespace") : nil
        }
    })
