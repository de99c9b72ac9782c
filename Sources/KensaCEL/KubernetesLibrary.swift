// Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library): lists. The url, quantity,
// IP/CIDR and semver libraries are in their own files.

enum KubernetesLibrary {
    static let noOverload = StandardLibrary.noOverload

    static func comparableList(_ v: CELValue) -> [CELValue]? {
        guard case .list(let l) = v else { return nil }
        return l
    }

    static func listIndexOf(_ a: [CELValue], last: Bool) -> CELValue {
        guard a.count == 2, case .list(let l) = a[0] else { return noOverload }
        let idx = last ? l.lastIndex(where: { Ops.equals($0, a[1]) }) : l.firstIndex(where: { Ops.equals($0, a[1]) })
        return .int(Int64(idx ?? -1))
    }

    static func extreme(_ a: [CELValue], max: Bool) -> CELValue {
        guard a.count == 1, let l = comparableList(a[0]) else { return noOverload }
        guard var best = l.first else { return .error(CELError(.invalidArgument, "\(max ? "max" : "min")(list) called on an empty list")) }
        for v in l.dropFirst() {
            guard let o = Ops.compare(v, best) else { return noOverload }
            if (max && o == .greater) || (!max && o == .less) { best = v }
        }
        return best
    }

    static let functions: [CELFunction] = [
        CELFunction("isSorted") { a, _ in
            guard a.count == 1, let l = comparableList(a[0]) else { return noOverload }
            for i in l.indices.dropFirst() {
                guard let o = Ops.compare(l[i - 1], l[i]) else { return noOverload }
                if o == .greater { return .bool(false) }
            }
            return .bool(true)
        },
        CELFunction("sum") { a, f in
            guard a.count == 1, let l = comparableList(a[0]) else { return noOverload }
            guard var acc = l.first else { return .int(0) }
            for v in l.dropFirst() {
                acc = Ops.add(acc, v, f)
                if acc.isError { return acc }
            }
            return acc
        },
        CELFunction("min") { a, _ in extreme(a, max: false) },
        CELFunction("max") { a, _ in extreme(a, max: true) },
    ] + KubernetesExtras.functions
}
