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

    /// `OSVRange.contains` (KensaVersion) with every version parsed through the memo.
    func contains(_ range: OSVRange, _ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        try range.contains(version, scheme: scheme) { (text, scheme) throws(VersionError) in try parse(text, scheme) }
    }
}
