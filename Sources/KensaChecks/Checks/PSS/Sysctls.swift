import KensaCore

/// The sysctls the baseline level allows (namespaced and isolated from the node).
let safeSysctls: Set<String> = [
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]

let pssSysctls = Check(
    id: "KNS-PSS-011", title: "Unsafe sysctl", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "Sysctls"),
    remediation: "Set only the safe sysctls in securityContext.sysctls.",
    triggering: Example.atPodLevel("securityContext: {sysctls: [{name: kernel.msgmax, value: '65536'}]}"),
    nonTriggering: Example.atPodLevel("securityContext: {sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}]}"),
    rule: podRule { pod in
        (pod.podSecurityContext?["sysctls"]?.listValue ?? []).enumerated().compactMap { i, s in
            let name = s["name"]?.stringValue ?? ""
            return safeSysctls.contains(name) ? nil
                : CheckHit(fieldPath: "\(pod.podSecurityContextPath).sysctls[\(i)].name", message: "pod sets unsafe sysctl \(name)")
        }
    })
