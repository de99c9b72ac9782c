import KensaCore

let netDefaultDenyIngress = Check(
    id: "KNS-NET-001", title: "Namespace without default-deny ingress", severity: .medium, family: .network,
    references: [CheckReference("NSA/CISA", "Network separation and hardening"), CheckReference("CIS Kubernetes", "5.3.2")],
    remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress] to the namespace.",
    triggering: [netWorkloadExample, netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}")],
    nonTriggering: [netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {}, policyTypes: [Ingress]}")],
    rule: .objects { objects in
        namespaceHits(objects, covered: \.ingressDeny) { "namespace \($0) has workloads and no default-deny ingress NetworkPolicy" }
    })
