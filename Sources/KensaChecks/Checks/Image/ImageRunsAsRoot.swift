import KensaCore

let imgRunsAsRoot = Check(
    id: "KNS-IMG-001", title: "Image runs as root", severity: .high, family: .image,
    references: [CheckReference("CIS Docker", "4.1")],
    remediation: "Set a non-root USER in the image (or runAsUser in the pod spec).",
    triggering: [imageExample(), imageExample(user: "root"), imageExample(user: "0:0")],
    nonTriggering: [imageExample(user: "10001"), imageExample(user: "app:app")],
    rule: .image { image in
        let user = (image.user ?? "").split(separator: ":").first.map(String.init) ?? ""
        if user.isEmpty { return [CheckHit(fieldPath: "config.User", message: "the image config sets no user, so it runs as root")] }
        return user == "root" || user == "0" ? [CheckHit(fieldPath: "config.User", message: "the image config runs as \(image.user ?? "")")] : []
    })
