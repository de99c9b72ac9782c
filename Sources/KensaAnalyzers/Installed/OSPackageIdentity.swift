import KensaCore

/// OS package analyzers cannot know the distribution (os-release is another file, maybe in
/// another layer), so they write provisional purls: namespace `debian`/`alpine`/`redhat`, no
/// `distro` qualifier. Once the scan knows the system it calls this to give every deb, apk
/// and rpm package its real namespace and `distro=<family>-<release>` qualifier
/// (`pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04`), and
/// rewrites the `dependsOn` purls the same way so the dependency graph stays connected.
public func assignOperatingSystem(_ os: OperatingSystem, to packages: [Package]) -> [Package] {
    var renamed: [String: String] = [:]
    var out = packages
    for index in out.indices where out[index].ecosystem.isOS {
        let old = out[index].purl
        var purl = old
        purl.namespace = purlNamespace(for: os, ecosystem: out[index].ecosystem)
        if !os.family.isEmpty && !os.release.isEmpty {
            purl.qualifiers["distro"] = "\(os.family)-\(os.release)"
        }
        out[index].purl = purl
        renamed[old.description] = purl.description
    }
    for index in out.indices where !out[index].dependsOn.isEmpty {
        out[index].dependsOn = out[index].dependsOn.map { renamed[$0] ?? $0 }.sorted()
    }
    return out
}

/// The purl namespace of a distribution's packages: its family, except Red Hat Enterprise
/// Linux, whose rpm purls say `redhat`.
func purlNamespace(for os: OperatingSystem, ecosystem: Ecosystem) -> String {
    switch (ecosystem, os.family) {
    case (.rpm, "rhel"): return "redhat"
    case (_, ""): return ecosystem == .deb ? "debian" : ecosystem == .apk ? "alpine" : "redhat"
    default: return os.family
    }
}
