import KensaCore

let wlProbes = Check(
    id: "KNS-WL-006", title: "No liveness or readiness probe", severity: .low, family: .workload,
    references: wlReferences(),
    remediation: "Add livenessProbe and readinessProbe to long-running containers.",
    triggering: [workloadExample("image: 'a:1'"), workloadExample("image: 'a:1', livenessProbe: {tcpSocket: {port: 80}}")],
    nonTriggering: [workloadExample("image: 'a:1', livenessProbe: {tcpSocket: {port: 80}}, readinessProbe: {httpGet: {port: 80, path: /}}"),
                    "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec: {containers: [{name: j, image: 'a:1'}]}\n"],
    rule: .object { o in
        // Jobs run to completion; probes are for long-running workloads.
        guard let pod = o.podTemplate, !["Job", "CronJob"].contains(o.kind),
              !(o.kind == "Pod" && ["Never", "OnFailure"].contains(pod.spec["restartPolicy"]?.stringValue ?? "")) else { return [] }
        return pod.mainContainers.compactMap { c in
            let missing = ["livenessProbe", "readinessProbe"].filter { c.value[$0] == nil }
            return missing.isEmpty ? nil : CheckHit(fieldPath: "\(c.path).\(missing[0])", message: "\(describe(c)) has no \(missing.joined(separator: " or "))")
        }
    })
