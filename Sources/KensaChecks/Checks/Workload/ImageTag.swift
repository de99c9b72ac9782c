import KensaCore

/// The tag of an image reference, nil when it has none; digest-pinned references count as pinned.
func imageTag(_ image: String) -> (tag: String?, digest: Bool) {
    if image.contains("@") { return (nil, true) }
    let last = image.split(separator: "/").last ?? ""
    guard let colon = last.firstIndex(of: ":") else { return (nil, false) }
    return (String(last[last.index(after: colon)...]), false)
}

let wlImageTag = Check(
    id: "KNS-WL-004", title: "Image tag latest or missing", severity: .medium, family: .workload,
    references: wlReferences(),
    remediation: "Use a version tag (or a digest) for every container image.",
    triggering: [workloadExample("image: nginx"), workloadExample("image: 'nginx:latest'"), workloadExample("image: 'registry.example:5000/nginx'")],
    nonTriggering: [workloadExample("image: 'nginx:1.27'"), workloadExample("image: 'nginx@sha256:abc'")],
    rule: podRule { pod in
        pod.allContainers.compactMap { c in
            guard let image = c.value["image"]?.stringValue else { return nil }
            let (tag, digest) = imageTag(image)
            if digest || (tag != nil && tag != "latest") { return nil }
            return CheckHit(fieldPath: "\(c.path).image", message: "\(describe(c)) image \(image) " + (tag == nil ? "has no tag" : "uses the latest tag"))
        }
    })
