import KensaCore

let pssCapabilitiesRestricted = Check(
    id: "KNS-PSS-017", title: "Capabilities not dropped", severity: .low, family: .podSecurity,
    references: pssReferences("restricted", "Capabilities", cis: "5.2.9", nsa: "Pod security: drop capabilities"),
    remediation: "Drop ALL capabilities and add back at most NET_BIND_SERVICE.",
    triggering: Example.inEveryContainer("securityContext: {}", others: "securityContext: {capabilities: {drop: [ALL]}}")
        + Example.inEveryContainer("securityContext: {capabilities: {drop: [ALL], add: [CHOWN]}}", others: "securityContext: {capabilities: {drop: [ALL]}}"),
    nonTriggering: [Example.pod("{containers: [{\(Example.container), securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}], initContainers: [{\(Example.container), securityContext: {capabilities: {drop: [all]}}}]}"),
                    Example.pod("{os: {name: windows}, containers: [{\(Example.container)}]}")],
    rule: podRule { pod in
        guard !pod.isWindows else { return [] }
        var hits: [CheckHit] = []
        for c in pod.allContainers {
            let caps = c.securityContext?["capabilities"]
            if !(caps?["drop"]?.stringList ?? []).contains(where: { normalizedCapability($0) == "ALL" }) {
                hits.append(CheckHit(fieldPath: "\(c.path).securityContext.capabilities.drop", message: "\(describe(c)) does not drop ALL capabilities"))
            }
            for (i, cap) in (caps?["add"]?.stringList ?? []).enumerated() where normalizedCapability(cap) != "NET_BIND_SERVICE" {
                hits.append(CheckHit(fieldPath: "\(c.path).securityContext.capabilities.add[\(i)]", message: "\(describe(c)) adds capability \(cap)"))
            }
        }
        return hits
    })
