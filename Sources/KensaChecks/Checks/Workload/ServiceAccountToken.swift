import KensaCore

let wlServiceAccountToken = Check(
    id: "KNS-WL-008", title: "Service account token mounted", severity: .low, family: .workload,
    references: wlReferences(cis: "5.1.6"),
    remediation: "Set automountServiceAccountToken: false unless the pod calls the Kubernetes API.",
    triggering: [workloadExample("image: 'a:1'"), workloadExample("image: 'a:1'", podFields: "automountServiceAccountToken: true")],
    nonTriggering: [workloadExample("image: 'a:1'", podFields: "automountServiceAccountToken: false")],
    rule: podRule { pod in
        pod.spec["automountServiceAccountToken"]?.boolValue == false ? []
            : [CheckHit(fieldPath: "\(pod.specPath).automountServiceAccountToken", message: "the pod mounts a service account token")]
    })
