import KensaCore

private let allowedVolumeSources: Set<String> = [
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
]

let pssVolumeTypes = Check(
    id: "KNS-PSS-012", title: "Volume type outside the restricted set", severity: .low, family: .podSecurity,
    references: pssReferences("restricted", "Volume Types"),
    remediation: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.",
    triggering: Example.atPodLevel("volumes: [{name: v, nfs: {server: nfs.example, path: /}}]")
        + Example.atPodLevel("volumes: [{name: v, hostPath: {path: /tmp}}]"),
    nonTriggering: Example.atPodLevel("volumes: [{name: a, emptyDir: {}}, {name: b, secret: {secretName: s}}, {name: c, persistentVolumeClaim: {claimName: x}}]"),
    rule: podRule { pod in
        (pod.spec["volumes"]?.listValue ?? []).enumerated().compactMap { i, v in
            let sources = v.mapEntries.map(\.0).filter { $0 != "name" }
            guard let bad = sources.first(where: { !allowedVolumeSources.contains($0) }) else { return nil }
            return CheckHit(fieldPath: "\(pod.specPath).volumes[\(i)].\(bad)",
                            message: "volume \"\(v["name"]?.stringValue ?? "")\" is of type \(bad)")
        }
    })
