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

extension Package {
    /// Report order: ecosystem, name, version, path, then everything else a writer shows, so
    /// that output never depends on the order the scan produced (`Package.<` leaves ties).
    func precedesInReport(_ other: Package) -> Bool {
        // The common fields first without building anything; the full key only for ties.
        if ecosystem != other.ecosystem { return ecosystem.rawValue < other.ecosystem.rawValue }
        if name != other.name { return name < other.name }
        if version != other.version { return version < other.version }
        if location.path != other.location.path { return location.path < other.location.path }
        return tieBreakKey.lexicographicallyPrecedes(other.tieBreakKey)
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

    static func warnings(_ warnings: [ScanWarning]) -> [ScanWarning] {
        Array(Set(warnings)).sorted()
    }

    /// `Finding.<` (file, layer, line, rule, object), then everything else shown, for ties.
    static func findings(_ findings: [Finding]) -> [Finding] {
        Array(Set(findings)).sorted { a, b in
            if a < b { return true }
            if b < a { return false }
            return a.tieBreakKey.lexicographicallyPrecedes(b.tieBreakKey)
        }
    }
}

extension Finding {
    fileprivate var tieBreakKey: [String] {
        [kind.rawValue, severity.rawValue, title, message, location.fieldPath ?? "", location.endLine.map(String.init) ?? "",
         location.createdBy ?? "", category ?? "", match ?? "", suppression?.source ?? "", suppression?.reason ?? ""]
    }

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
