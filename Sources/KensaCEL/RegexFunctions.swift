// matches (standard), find and findAll (Kubernetes regex library) over the linear-time
// engine. A constant pattern is compiled once with the program; others per call.

enum RegexFunctions {
    static func cost(_ re: Regex, _ n: Int) -> UInt64 { UInt64(n) * UInt64(re.prog.count) / 50 + 1 }

    static func run(_ name: String, _ re: Regex, _ a: [CELValue], _ f: Frame) -> CELValue {
        guard case .string(let s) = a[0] else { return StandardLibrary.noOverload }
        let sc = Regex.scalars(s)
        if !f.charge(cost(re, sc.count)) { return f.limitError }
        switch name {
        case "matches":
            guard a.count == 2 else { return StandardLibrary.noOverload }
            return .bool(re.firstMatch(sc, from: 0) != nil)
        case "find":
            guard a.count == 2 else { return StandardLibrary.noOverload }
            guard let (lo, hi) = re.firstMatch(sc, from: 0) else { return .string("") }
            return .string(Regex.string(sc, lo..<hi))
        default:
            var limit = -1
            if a.count == 3 {
                guard case .int(let n) = a[2] else { return StandardLibrary.noOverload }
                if n == 0 { return .list([]) }
                limit = n < 0 ? -1 : Int(min(n, Int64(Int32.max)))
            } else if a.count != 2 {
                return StandardLibrary.noOverload
            }
            return .list(re.allMatches(sc, limit: limit).map { .string(Regex.string(sc, $0)) })
        }
    }

    static func prepared(_ name: String, _ re: Regex) -> CELFunction {
        CELFunction(name) { a, f in run(name, re, a, f) }
    }

    static func dynamic(_ name: String) -> CELFunction {
        CELFunction(name) { a, f in
            guard a.count >= 2, case .string(let p) = a[1] else { return StandardLibrary.noOverload }
            if !f.charge(UInt64(p.utf8.count)) { return f.limitError }
            switch Regex.compile(p) {
            case .success(let re): return run(name, re, a, f)
            case .failure(let e): return .error(e)
            }
        }
    }

    static let functions: [CELFunction] = [dynamic("matches"), dynamic("find"), dynamic("findAll")]
}
