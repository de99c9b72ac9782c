import KensaCore

private let annotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

let pssAppArmor = Check(
    id: "KNS-PSS-007", title: "AppArmor profile disabled", severity: .medium, family: .podSecurity,
    references: pssReferences("baseline", "AppArmor"),
    remediation: "Leave the AppArmor profile unset, or use RuntimeDefault or a Localhost profile.",
    triggering: Example.atPodLevel("securityContext: {appArmorProfile: {type: Unconfined}}")
        + Example.inEveryContainer("securityContext: {appArmorProfile: {type: Unconfined}}")
        + [Example.pod("{containers: [{\(Example.container)}]}", annotations: "container.apparmor.security.beta.kubernetes.io/app: unconfined"),
           Example.deployment("{containers: [{\(Example.container)}]}", annotations: "container.apparmor.security.beta.kubernetes.io/app: unconfined")],
    nonTriggering: Example.atPodLevel("securityContext: {appArmorProfile: {type: RuntimeDefault}}")
        + [Example.pod("{containers: [{\(Example.container)}]}", annotations: "container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-nginx")],
    rule: podRule { pod in
        var hits = securityContextHits(pod, podKeys: ["appArmorProfile", "type"], containerKeys: ["appArmorProfile", "type"]) { v in
            let t = v.stringValue ?? ""
            return t == "RuntimeDefault" || t == "Localhost" ? nil : "is \(t)"
        }
        for (key, v) in pod.annotations.sorted(by: { $0.key < $1.key }) where key.hasPrefix(annotationPrefix) {
            if v != "runtime/default" && !v.hasPrefix("localhost/") {
                hits.append(CheckHit(fieldPath: "\(pod.metadataPath).annotations[\(key)]",
                                     message: "annotation \(key) sets AppArmor profile \(v)"))
            }
        }
        return hits
    })
