// `.kensaignore`: a YAML list of entries that suppress findings by ID, optionally only under
// some paths and until a date, always with a reason (DESIGN.md, "Suppression").
//
//   - id: KNS-PSS-003
//     paths: ["k8s/legacy/*", "charts/"]
//     expires: 2027-01-31
//     reason: legacy agent needs privileged mode until the rewrite ships
//
// An expired entry stops suppressing and the scan says so in a warning.

import Foundation
import KensaCEL
import KensaCore

public struct IgnoreFile: Sendable {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var paths: [String]
        /// `YYYY-MM-DD`; the entry suppresses through that day (UTC).
        public var expires: String?
        public var reason: String
    }

    public var path: String
    public var entries: [Entry]

    public static func parse(_ text: String, path: String) throws(KensaError) -> IgnoreFile {
        var entries: [Entry] = []
        for (doc, _) in try ManifestLoader.documents(text, path: path) {
            guard case .list(let items) = doc else {
                if case .null = doc { continue }
                throw KensaError(.malformed, input: path, reason: "expected a YAML list of {id, paths, expires, reason}")
            }
            for (i, item) in items.enumerated() {
                guard let id = item["id"]?.stringValue, !id.isEmpty else {
                    throw KensaError(.malformed, input: path, reason: "entry \(i + 1) has no id")
                }
                guard let reason = item["reason"]?.stringValue, !reason.isEmpty else {
                    throw KensaError(.malformed, input: path, reason: "entry \(i + 1) (\(id)) has no reason")
                }
                var expires: String?
                if let e = item["expires"], e.isPresent {
                    guard let s = e.stringValue, s.count >= 10, parseDay(String(s.prefix(10))) != nil else {
                        throw KensaError(.malformed, input: path, reason: "entry \(i + 1) (\(id)): expires must be a date YYYY-MM-DD")
                    }
                    expires = String(s.prefix(10))
                }
                let paths = item["paths"].map { $0.stringValue.map { [$0] } ?? $0.stringList } ?? []
                entries.append(Entry(id: id, paths: paths, expires: expires, reason: reason))
            }
        }
        return IgnoreFile(path: path, entries: entries)
    }

    static func parseDay(_ s: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: s)
    }

    /// Marks matching findings as suppressed; returns warnings for expired entries that
    /// would have matched.
    public func apply(to findings: inout [Finding], now: Date) -> [ScanWarning] {
        var warnings: Set<ScanWarning> = []
        for i in findings.indices where findings[i].suppression == nil {
            for e in entries where e.id == findings[i].id && matches(e.paths, findings[i].location.path) {
                if let exp = e.expires, let day = Self.parseDay(exp), now >= day.addingTimeInterval(86_400) {
                    warnings.insert(ScanWarning(path: path, reason: "ignore entry \(e.id) expired on \(exp) and no longer suppresses"))
                    continue
                }
                findings[i].suppression = Finding.Suppression(source: "ignorefile", reason: e.reason)
                break
            }
        }
        return warnings.sorted()
    }

    func matches(_ patterns: [String], _ path: String) -> Bool {
        if patterns.isEmpty { return true }
        return patterns.contains { p in
            let p = p.hasPrefix("./") ? String(p.dropFirst(2)) : p
            if p.hasSuffix("/") { return path.hasPrefix(p) }
            return fnmatch(p, path, 0) == 0 || path.hasPrefix(p + "/")
        }
    }
}
