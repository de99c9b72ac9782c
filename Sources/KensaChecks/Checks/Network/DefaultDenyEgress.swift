import KensaCore

let netDefaultDenyEgress = Check(
    id: "KNS-NET-002", title: "Namespace without default-deny egress", severity: .low, family: .network,
    references: [CheckReference("NSA/CISA", "Network separation and hardening"), CheckReference("CIS Kubernetes", "5.3.2")],
    remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Egress] (allow DNS explicitly).",
    triggering: [netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {}, policyTypes: [Ingress]}")],
    nonTriggering: [netWorkloadExample + "---\n" + netPolicyExample("{podSelector: {}, policyTypes: [Ingress, Egress]}")],
    rule: .objects { objects in
        namespaceHits(objects, covered: \.egressDeny) { "namespace \($0) has workloads and no default-deny egress NetworkPolicy" }
    })
