import KensaCore

/// Capabilities the baseline level lets a container add.
let baselineCapabilities: Set<String> = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]

/// `CAP_SYS_ADMIN` and `sys_admin` name the same capability as `SYS_ADMIN`.
func normalizedCapability(_ s: String) -> String {
    let u = s.uppercased()
    return u.hasPrefix("CAP_") ? String(u.dropFirst(4)) : u
}

let pssCapabilities = Check(
    id: "KNS-PSS-004", title: "Capabilities beyond the baseline set", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "Capabilities", cis: "5.2.8, 5.2.9", nsa: "Pod security: drop capabilities"),
    remediation: "Add only capabilities from the baseline list (e.g. NET_BIND_SERVICE); drop the rest.",
    triggering: Example.inEveryContainer("securityContext: {capabilities: {add: [SYS_ADMIN]}}")
        + Example.inEveryContainer("securityContext: {capabilities: {add: [CHOWN, NET_RAW]}}"),
    nonTriggering: Example.inEveryContainer("securityContext: {capabilities: {add: [CHOWN, NET_BIND_SERVICE]}}"),
    rule: podRule { pod in
        var hits: [CheckHit] = []
        for c in pod.allContainers {
            for (i, cap) in (c.securityContext?["capabilities"]?["add"]?.stringList ?? []).enumerated()
            where !baselineCapabilities.contains(normalizedCapability(cap)) {
                hits.append(CheckHit(fieldPath: "\(c.path).securityContext.capabilities.add[\(i)]",
                                     message: "\(describe(c)) adds capability \(cap)"))
            }
        }
        return hits
    })
