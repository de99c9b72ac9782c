import Foundation
import KensaVersion

/// Parsed versions shared by the `affected` entries of one package name while one `match` runs.
/// The records of a package (GHSA, PYSEC and OSV's own copies of one bug, one record per CVE)
/// repeat the same range events and `versions` entries, and every installed version of that
/// package is compared with all of them: each distinct string is parsed once. Scoped to one
/// package name, so its size is bounded by that name's rows in the DB.
final class VersionMemo: @unchecked Sendable {
    private struct Key: Hashable {
        var scheme: VersionScheme
        var string: String
    }

    // `match` runs on one thread; the lock keeps a shared memo safe if that ever changes.
    private let lock = NSLock()
    private var parsed: [Key: Result<Version, VersionError>] = [:]

    /// Parses as OSV writes versions (`ListedVersions.parse`), remembering the answer.
    func parse(_ string: String, _ scheme: VersionScheme) throws(VersionError) -> Version {
        let key = Key(scheme: scheme, string: string)
        let result: Result<Version, VersionError> = lock.withLock {
            if let known = parsed[key] { return known }
            let fresh: Result<Version, VersionError>
            do throws(VersionError) {
                fresh = .success(try ListedVersions.parse(string, scheme))
            } catch {
                fresh = .failure(error)
            }
            parsed[key] = fresh
            return fresh
        }
        switch result {
        case .success(let v): return v
        case .failure(let e): throw e
        }
    }

    /// `OSVRange.contains` (KensaVersion) with every version parsed through the memo: the same
    /// algorithm step for step (limit, then events in version order; `introduced: "0"` first;
    /// empty event versions skipped), so it gives the same answer and throws the same error.
    func contains(_ range: OSVRange, _ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        let rangeScheme: VersionScheme
        switch range.type {
        case .git: return false
        case .semver: rangeScheme = .semver
        case .ecosystem: rangeScheme = scheme
        }
        let v = try parse(version, rangeScheme)
        var limits: [Version] = []
        var hasLimit = false, unlimited = false
        var timeline: [(event: OSVEvent, version: Version?)] = []
        for event in range.events {
            switch event {
            case .limit(let l) where !l.isEmpty:
                hasLimit = true
                if l.contains("*") { unlimited = true } else { limits.append(try parse(l, rangeScheme)) }
            case .introduced("0"):
                timeline.append((event, nil))
            case .introduced(let s) where !s.isEmpty, .fixed(let s) where !s.isEmpty, .lastAffected(let s) where !s.isEmpty:
                timeline.append((event, try parse(s, rangeScheme)))
            default:
                break
            }
        }
        if hasLimit && !unlimited && !limits.contains(where: { v < $0 }) { return false }
        let sorted = timeline.enumerated().sorted { a, b in
            switch (a.element.version, b.element.version) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                let c = x.compare(to: y)
                return c != 0 ? c < 0 : a.offset < b.offset
            }
        }
        var vulnerable = false
        for (_, (event, at)) in sorted {
            switch event {
            case .introduced:
                if at.map({ v >= $0 }) ?? true { vulnerable = true }
            case .fixed:
                if let at, v >= at { vulnerable = false }
            case .lastAffected:
                if let at, v > at { vulnerable = false }
            case .limit:
                break
            }
        }
        return vulnerable
    }
}
