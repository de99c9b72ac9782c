// Runtime detection speed (issue 8, acceptance 5): Kubernetes audit events per second through
// the upstream k8s audit rules on one core, decode + evaluate all 48 rules, with and without
// rendering alerts as Falco JSON lines; and the time to load and compile the rules.
// Run: cd Benchmarks && swift package benchmark --target RuntimeBenchmarks

import Benchmark
import Foundation
import KensaRuntime

/// ../shared/testdata/falco beside the repository (found from this file, symlinks resolved).
let falcoData: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/testdata/falco")

func loadEngine() -> RuleEngine {
    var loader = RuleLoader()
    do {
        try loader.add(path: falcoData.appendingPathComponent("rules/k8s_audit_rules.yaml").path)
        return try loader.compile(strict: true)
    } catch {
        fatalError("benchmark set-up: \(error)")
    }
}

/// The 53 hand-written events plus the 50 upstream ones, one JSON text each.
func loadEvents() -> [[UInt8]] {
    var lines: [[UInt8]] = []
    let ours = (try? String(contentsOf: falcoData.appendingPathComponent("events/k8s_audit_events.jsonl"), encoding: .utf8)) ?? ""
    lines += ours.split(separator: "\n").map { Array($0.utf8) }
    let dir = falcoData.appendingPathComponent("upstream-k8s-audit-events")
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix("expected") }
    for f in files.sorted() {
        let text = (try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)) ?? ""
        lines += text.split(separator: "\n").filter { !$0.isEmpty }.map { Array($0.utf8) }
    }
    return lines
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal],
                                           maxDuration: .seconds(5))
    let engine = loadEngine()
    let events = loadEvents()

    // One iteration = one audit event (decoded from JSON text, all rules evaluated).
    Benchmark("k8s audit event: decode + 48 upstream rules",
              configuration: .init(scalingFactor: .kilo)) { benchmark in
        var matches = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            events[i].withUnsafeBufferPointer { buf in
                for e in AuditEvent.decode(buf).events { matches += engine.matchCount(e) }
            }
            i = i + 1 == events.count ? 0 : i + 1
        }
        blackHole(matches)
    }

    Benchmark("k8s audit event: decode + rules + JSON alert lines",
              configuration: .init(scalingFactor: .kilo)) { benchmark in
        var bytes = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            events[i].withUnsafeBufferPointer { buf in
                for e in AuditEvent.decode(buf).events {
                    for a in engine.alerts(for: e, hostname: "bench") { bytes += a.jsonLine.utf8.count }
                }
            }
            i = i + 1 == events.count ? 0 : i + 1
        }
        blackHole(bytes)
    }

    Benchmark("load + compile k8s_audit_rules.yaml") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(loadEngine().auditRules.count) }
    }
}
