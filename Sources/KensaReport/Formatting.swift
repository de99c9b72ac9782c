import Foundation
import KensaCore

enum Timestamp {
    /// `2024-01-01T00:00:00Z`: UTC, whole seconds (the form SPDX 2.3 requires and CycloneDX
    /// accepts). Fractions are dropped rather than rounded so a second never moves forward.
    static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 253_402_300_800 else {  // year 9999
            return "1970-01-01T00:00:00Z"
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: seconds))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))Z"
    }
}

/// Writer order compares UTF-8 bytes, not `String`'s `<`: Swift strings compare by canonical
/// equivalence, so `é` and `e` + U+0301 would tie and their order would follow the input.
enum ByteOrder {
    /// nil when the two are byte for byte the same.
    @inline(__always)
    static func compare(_ a: String, _ b: String) -> Bool? {
        a.utf8.elementsEqual(b.utf8) ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) {
            if let order = compare(x, y) { return order }
        }
        return a.count < b.count
    }

    /// Sorted by `key`, and of elements with byte-identical keys only the first kept.
    static func sortedUnique<T>(_ items: [T], key: (T) -> [String]) -> [T] {
        // Positions are sorted, not the (large) items: moving findings around costs more than
        // comparing their keys (40,000 findings: 1.7 s → see docs/benchmarks/report.md).
        let keys = items.map(key)
        let order = keys.indices.sorted { a, b in
            if precedes(keys[a], keys[b]) { return true }
            if precedes(keys[b], keys[a]) { return false }
            return a < b
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        var previous: Int?
        for index in order where previous.map({ !keys[$0].elementsEqual(keys[index]) { $0.utf8.elementsEqual($1.utf8) } }) ?? true {
            out.append(items[index])
            previous = index
        }
        return out
    }
}

extension Package {
    /// Report order: ecosystem, name, version, path, then everything else a writer shows, so
    /// that output never depends on the order the scan produced (`Package.<` leaves ties).
    func precedesInReport(_ other: Package) -> Bool {
        // The common fields first without building anything; the full key only for ties.
        if let order = ByteOrder.compare(ecosystem.rawValue, other.ecosystem.rawValue) { return order }
        if let order = ByteOrder.compare(name, other.name) { return order }
        if let order = ByteOrder.compare(version, other.version) { return order }
        if let order = ByteOrder.compare(location.path, other.location.path) { return order }
        return ByteOrder.precedes(tieBreakKey, other.tieBreakKey)
    }

    private var tieBreakKey: [String] {
        [architecture ?? "", purl.description, location.layerDigest ?? "", location.diffID ?? "", foundBy,
         sourceName ?? "", sourceVersion ?? "", licenses.joined(separator: "\u{0}"),
         dependsOn.sorted().joined(separator: "\u{0}"), isDev ? "1" : "0"]
    }
}

enum Ordering {
    static func packages(_ packages: [Package]) -> [Package] {
        // Sorting positions rather than the (large) values saves copying them around.
        packages.indices.sorted { packages[$0].precedesInReport(packages[$1]) }.map { packages[$0] }
    }

    /// By path, layer, reason; each warning once.
    static func warnings(_ warnings: [ScanWarning]) -> [ScanWarning] {
        ByteOrder.sortedUnique(warnings) { [$0.path, $0.layer ?? "", $0.reason] }
    }

    /// By file, layer, line, rule and object (as `Finding.<`), then everything else shown;
    /// each finding once.
    static func findings(_ findings: [Finding]) -> [Finding] {
        ByteOrder.sortedUnique(findings) { finding in
            let location = finding.location
            // Lines as fixed-width text so that they sort as numbers.
            func number(_ value: Int?) -> String {
                guard let value else { return "" }
                let text = String(value.magnitude)
                return (value < 0 ? "0" : "1") + String(repeating: "0", count: max(0, 20 - text.count)) + text
            }
            return [location.path, location.layerDigest ?? "", number(location.startLine), finding.id,
                    location.object ?? "", finding.kind.rawValue, finding.severity.rawValue, finding.title,
                    finding.message, location.fieldPath ?? "", number(location.endLine), location.createdBy ?? "",
                    finding.category ?? "", finding.match ?? "", finding.suppression?.source ?? "",
                    finding.suppression?.reason ?? "",
                    // Two packages in one file (multiarch libc6:amd64 and libc6:i386) can share
                    // everything above; their purls differ.
                    finding.vulnerability?.purl.description ?? "", finding.vulnerability?.installedVersion ?? ""]
        }
    }
}

extension Finding {
    /// `path:line`, the Kubernetes object and the field, as far as they are known.
    var locationText: String {
        var text = location.path
        if let line = location.startLine {
            text += ":\(line)"
            if let end = location.endLine, end != line { text += "-\(end)" }
        }
        if let object = location.object { text += " " + object }
        if let field = location.fieldPath { text += " " + field }
        return text
    }
}
