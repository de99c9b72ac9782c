// Vulnerability DB benchmarks: DB build time and size, and matching throughput.
//
//   VulnDBBench build OUTPUT SOURCE...   builds a DB (VulnDBBuilder.build) and prints wall time,
//                                        records and file size
//   VulnDBBench match DB [ROUNDS [distinct]]
//                                        matches a fixed inventory ROUNDS times (default 5) and
//                                        prints packages per second and a digest of the findings
//
// A plain executable rather than a package-benchmark target: one matching round against a
// 200,000-record DB is a whole-program workload (SQLite reads, decoding, version comparison),
// measured by wall clock over several rounds; the digest lets a change prove it kept the
// results. See docs/benchmarks/vuln.md for the data (Benchmarks/vulndb-gen/gen.py).
import Foundation
import KensaCore
import KensaVulnDB

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

#if os(Linux)
let rusageSelf = Int32(RUSAGE_SELF.rawValue)
#else
let rusageSelf = RUSAGE_SELF
#endif

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(rusageSelf, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(rusageSelf, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The inventory of one round: 12 real package names (11 with records in
/// ../shared/testdata/osv, one unknown) × 100 generated variants (`NAME`, `NAME-gen1` …
/// `NAME-gen99`, as gen.py names them) × 4 versions. With `distinct`, 400 variants with one
/// version each (the k-th variant gets the (k mod 4)-th version), so no package name is looked
/// up twice: nothing parsed for one package is reused for another.
func inventory(distinct: Bool) -> [Package] {
    let names: [(Ecosystem, String)] = [
        (.pypi, "requests"), (.pypi, "urllib3"), (.pypi, "django"), (.pypi, "jinja2"), (.pypi, "tensorflow"),
        (.npm, "lodash"), (.npm, "@hapi/hoek"), (.maven, "com.amazon.ion:ion-java"), (.cargo, "futures-util"),
        (.gem, "actionpack"), (.golang, "github.com/revel/revel"), (.pypi, "no-such-package-kensa"),
    ]
    let versions = ["0.0.1", "1.0.0", "2.19.1", "999.0.0"]
    var out: [Package] = []
    for (ecosystem, base) in names {
        for k in 0..<(distinct ? 400 : 100) {
            let name = k == 0 ? base : base + (ecosystem == .maven ? "gen\(k)" : "-gen\(k)")
            for v in distinct ? [versions[k % versions.count]] : versions {
                let version = ecosystem == .golang ? "v" + v : v
                out.append(Package(name: name, version: version, ecosystem: ecosystem,
                                   purl: PURL(ecosystem: ecosystem, name: name, version: version),
                                   foundBy: "bench", location: .init(path: "bench/\(ecosystem.rawValue)")))
            }
        }
    }
    return out
}

/// FNV-1a over one line per finding: the same findings give the same digest.
func digest(_ findings: [Finding]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for f in findings {
        let v = f.vulnerability
        let line = [f.id, f.severity.rawValue, v?.packageName ?? "", v?.installedVersion ?? "",
                    (v?.fixedVersions ?? []).joined(separator: ","), (v?.aliases ?? []).joined(separator: ","),
                    (v?.advisoryIDs ?? []).joined(separator: ","), f.message].joined(separator: "|") + "\n"
        for byte in line.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
    }
    return String(hash, radix: 16)
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

func run() throws {
    let args = Array(CommandLine.arguments.dropFirst())
    switch args.first {
    case "build" where args.count >= 3:
        let start = now(), cpu = cpuSeconds()
        let summary = try VulnDBBuilder.build(from: Array(args[2...]), output: args[1],
                                              builtAt: Date(timeIntervalSince1970: 0))
        let wall = now() - start
        print(String(format: "build: %d records (%d malformed) in %.2f s wall, %.2f s CPU; %.1f MiB; peak RSS %.0f MiB",
                     summary.metadata.records, summary.metadata.malformedRecords, wall, cpuSeconds() - cpu,
                     Double(fileSize(args[1])) / 1_048_576, peakRSSMiB()))
    case "match" where args.count >= 2:
        let rounds = args.count >= 3 ? Int(args[2]) ?? 5 : 5
        let distinct = args.count >= 4 && args[3] == "distinct"
        let packages = inventory(distinct: distinct)
        let openStart = now()
        let db = try VulnDB(path: args[1])
        let openTime = now() - openStart
        // Each round opens nothing new: the DB is open, SQLite's page cache may be warm (as in
        // a scan, which opens the DB once).
        var times: [Double] = []
        var last: VulnerabilityMatches?
        let cpu = cpuSeconds()
        for _ in 0..<rounds {
            let start = now()
            last = try db.match(packages, os: nil)
            times.append(now() - start)
        }
        let cpuTime = cpuSeconds() - cpu
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let findings = last?.findings ?? []
        // On a shared machine wall time includes waiting for a core; CPU time does not.
        print(String(format: "match: %d packages x %d rounds against %d records; median round %.4f s wall (min %.4f, max %.4f) = %.0f packages/s; CPU %.2f s = %.0f packages per CPU second; open %.3f s; peak RSS %.0f MiB",
                     packages.count, rounds, db.metadata.records, median, sorted[0], sorted[sorted.count - 1],
                     Double(packages.count) / median, cpuTime, Double(packages.count * rounds) / cpuTime, openTime, peakRSSMiB()))
        print("findings per round: \(findings.count), warnings: \(last?.warnings.count ?? 0), digest \(digest(findings))")
    default:
        FileHandle.standardError.write(Data("usage: VulnDBBench build OUTPUT SOURCE... | VulnDBBench match DB [ROUNDS [distinct]]\n".utf8))
        exit(2)
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("VulnDBBench: \(error)\n".utf8))
    exit(2)
}
