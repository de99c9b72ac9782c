import KensaCore

let wlImageDigest = Check(
    id: "KNS-WL-005", title: "Image not pinned by digest", severity: .low, family: .workload,
    references: wlReferences(),
    remediation: "Reference images by digest (name@sha256:…) so the deployed bytes cannot change.",
    triggering: [workloadExample("image: 'nginx:1.27'")],
    nonTriggering: [workloadExample("image: 'nginx:1.27@sha256:0123'")],
    rule: podRule { pod in
        pod.allContainers.compactMap { c in
            guard let image = c.value["image"]?.stringValue, !image.contains("@") else { return nil }
            return CheckHit(fieldPath: "\(c.path).image", message: "\(describe(c)) image \(image) is not pinned by digest")
        }
    })
