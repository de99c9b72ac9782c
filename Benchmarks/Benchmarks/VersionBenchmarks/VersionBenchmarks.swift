import Benchmark
import KensaVersion

// Comparisons per second of already-parsed values, and parses per second, for dpkg, rpm,
// PEP 440 and SemVer, on realistic version strings (the shapes distro and registry data have).
// Throughput is reported in millions (M) of operations per second on one core.

let dpkgStrings = [
    "2.36.1-8+deb12u1", "2.36.1-8", "1:2.38.1-5+deb12u3", "1:2.38.1-5", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1",
    "1.2.13.dfsg-1", "1:1.2.13.dfsg-1", "7.88.1-10+deb12u5", "7.88.1-10+deb12u8", "252.22-1~deb12u1", "252.30-1~deb12u2",
    "2.11.0+dfsg-1", "2.11.0+dfsg-1+b1", "1.0.2-1ubuntu0.22.04.1", "1.0.2-1ubuntu0.22.04.2", "5.2.15-2+b2", "5.2.15-2+b7",
    "4.19.0-24+deb10u1", "1.0~rc1-1", "2:8.2.3995-1ubuntu2.15", "2:8.2.3995-1ubuntu2.16", "0.9.17+dfsg-3", "1.16.1-4",
    "12.2.0-14", "12.2.0-14+deb12u1", "3.7.9-2+deb12u2", "3.7.9-2+deb12u3", "6.4-2", "6.4+20240113-1ubuntu2",
    "2.40-2", "1:4.13+dfsg1-1", "2.9.14+dfsg-1.3~deb12u1", "1.20.1-2+deb12u1", "0.23.22-1.2", "20230311",
]
let rpmStrings = [
    "2.28-236.el9_4.1", "2.28-236.el9_4.2", "1:3.0.7-27.el9", "1:3.0.7-28.el9_4", "7.76.1-29.el9_4.1", "7.76.1-26.el9",
    "252-32.el9_4.7", "252-32.el9_4", "4.16.1.3-29.el9", "4.16.1.3-34.el9.0.1", "5.14.0-427.13.1.el9_4", "5.14.0-362.24.1.el9_3",
    "1.2.11-40.el9", "1.2.11-41.el9", "2.9.13-6.el9_4", "2.9.13-5.el9_3", "0.9.13~rc1-1.fc39", "0.9.13-1.fc39",
    "3.11.7-1.amzn2023.0.1", "3.11.6-1.amzn2023.0.3", "150400.3.6.1", "150400.3.9.1", "1.0.0^20240101git1a2b3c-1.fc40", "1.0.0-1.fc40",
    "8.32-35.el9", "8.32-34.el9", "2:9.0.2081-1.el9", "2:8.2.2637-20.el9_1", "1.1.1k-9.el8_7", "1.1.1k-12.el8_9",
]
let pep440Strings = [
    "2.31.0", "2.32.3", "1.26.18", "2.0.7", "3.1.4", "3.0.0rc1", "42.0.5", "43.0.0", "1.0.0.dev3", "1.0.0a2", "2.2.0b1",
    "2024.2.2", "2023.11.17", "24.0", "24.1.post1", "0.41.2", "1.16.0", "6.0.1", "3.8.6", "2.8.2", "0.10.1",
    "1!2.0", "4.66.1", "4.9.0", "68.2.2", "69.0.3", "3.13.1", "1.26.4", "2.1.0+cu118", "2.1.0", "0.4.14", "12.0.0",
]
let semverStrings = [
    "4.17.21", "4.17.20", "1.6.7", "1.6.8", "7.5.4", "7.6.0", "3.0.0-rc.1", "3.0.0", "18.2.0", "18.3.0-canary-1a2b3c",
    "5.0.0-beta.3", "5.0.0-beta.12", "0.27.2", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2",
    "2.0.0+build.5", "10.9.0", "11.0.0-next.4", "0.0.0-20240101", "6.4.0", "6.10.1", "14.2.3", "9.0.0-alpha.0",
    "2.29.4", "2.30.0", "1.13.2", "4.4.1", "3.3.3", "8.57.0", "9.1.0",
]

/// Every ordered pair of the parsed values, so both the early-exit and the deep cases count.
func pairs<T>(_ values: [T]) -> [(T, T)] {
    var out: [(T, T)] = []
    for a in values { for b in values { out.append((a, b)) } }
    return out
}

let benchmarks: @Sendable () -> Void = {
    let compareConfiguration = Benchmark.Configuration(metrics: [.throughput, .wallClock, .cpuTotal], scalingFactor: .mega,
                                                       maxDuration: .seconds(3), maxIterations: 10)
    let parseConfiguration = Benchmark.Configuration(metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo,
                                                     maxDuration: .seconds(3), maxIterations: 1000)

    func comparison<T>(_ name: String, _ values: [T], _ compare: @escaping @Sendable (T, T) -> Int) {
        let all = pairs(values)
        let left = ContiguousArray(all.map(\.0)), right = ContiguousArray(all.map(\.1))
        Benchmark("\(name) compare", configuration: compareConfiguration) { benchmark in
            // Borrow the values in place: this measures the comparison, not copying values.
            left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                    var i = 0
                    for _ in benchmark.scaledIterations {
                        blackHole(compare(l[i], r[i]))
                        i += 1
                        if i == l.count { i = 0 }
                    }
                }
            }
        }
    }
    func parsing(_ name: String, _ strings: [String], _ parse: @escaping @Sendable (String) throws -> Any) {
        Benchmark("\(name) parse", configuration: parseConfiguration) { benchmark in
            var i = 0
            for _ in benchmark.scaledIterations {
                blackHole(try? parse(strings[i]))
                i += 1
                if i == strings.count { i = 0 }
            }
        }
    }

    comparison("dpkg", dpkgStrings.compactMap { try? DpkgVersion($0) }, DpkgVersion.compare)
    comparison("rpm", rpmStrings.compactMap { try? RpmVersion($0) }, RpmVersion.compare)
    comparison("pep440", pep440Strings.compactMap { try? PEP440Version($0) }, PEP440Version.compare)
    comparison("semver", semverStrings.compactMap { try? SemanticVersion($0) }, SemanticVersion.compare)
    comparison("npm", semverStrings.compactMap { try? NpmVersion($0) }, NpmVersion.compare)

    parsing("dpkg", dpkgStrings) { try DpkgVersion($0) }
    parsing("rpm", rpmStrings) { try RpmVersion($0) }
    parsing("pep440", pep440Strings) { try PEP440Version($0) }
    parsing("semver", semverStrings) { try SemanticVersion($0) }
    parsing("npm", semverStrings) { try NpmVersion($0) }
}
