import KensaCore

private let allowedTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]

let pssSELinux = Check(
    id: "KNS-PSS-008", title: "Custom SELinux options", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "SELinux"),
    remediation: "Leave seLinuxOptions.user and role unset, and type unset or one of the container_* types.",
    triggering: Example.atPodLevel("securityContext: {seLinuxOptions: {type: spc_t}}")
        + Example.inEveryContainer("securityContext: {seLinuxOptions: {type: spc_t}}")
        + Example.inEveryContainer("securityContext: {seLinuxOptions: {user: system_u}}")
        + Example.atPodLevel("securityContext: {seLinuxOptions: {role: sysadm_r}}"),
    nonTriggering: Example.inEveryContainer("securityContext: {seLinuxOptions: {type: container_t, level: 's0:c123,c456'}}"),
    rule: podRule { pod in
        securityContextHits(pod, podKeys: ["seLinuxOptions", "type"], containerKeys: ["seLinuxOptions", "type"]) { v in
            allowedTypes.contains(v.stringValue ?? "?") ? nil : "is \(v.stringValue ?? "not a string")"
        }
        + securityContextHits(pod, podKeys: ["seLinuxOptions", "user"], containerKeys: ["seLinuxOptions", "user"]) { v in
            (v.stringValue ?? "?").isEmpty ? nil : "is set"
        }
        + securityContextHits(pod, podKeys: ["seLinuxOptions", "role"], containerKeys: ["seLinuxOptions", "role"]) { v in
            (v.stringValue ?? "?").isEmpty ? nil : "is set"
        }
    })
