import KensaCore

let pssHostPathVolumes = Check(
    id: "KNS-PSS-005", title: "hostPath volume", severity: .high, family: .podSecurity,
    references: pssReferences("baseline", "HostPath Volumes", nsa: "Pod security: hostPath mounts"),
    remediation: "Use an emptyDir, configMap or persistent volume instead of a hostPath volume.",
    triggering: Example.atPodLevel("volumes: [{name: v, hostPath: {path: /var/run/docker.sock}}]"),
    nonTriggering: Example.atPodLevel("volumes: [{name: v, emptyDir: {}}]"),
    rule: podRule { pod in
        (pod.spec["volumes"]?.listValue ?? []).enumerated().compactMap { i, v in
            guard let hp = v["hostPath"], hp.isPresent else { return nil }
            return CheckHit(fieldPath: "\(pod.specPath).volumes[\(i)].hostPath",
                            message: "volume \"\(v["name"]?.stringValue ?? "")\" mounts host path \(hp["path"]?.stringValue ?? "?")")
        }
    })
