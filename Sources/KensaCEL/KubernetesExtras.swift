// Kubernetes url, quantity, IP/CIDR and semver libraries (filled in below).

enum KubernetesExtras {
    static let functions: [CELFunction] = []
}
