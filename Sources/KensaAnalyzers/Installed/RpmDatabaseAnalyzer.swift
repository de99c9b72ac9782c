import Foundation
import GRDB
import GRDBSQLite
import KensaCore

/// rpm's package database, in either of its common formats:
/// - SQLite `rpmdb.sqlite` (rpm ≥ 4.16: RHEL 9, Fedora ≥ 33, Amazon Linux 2023), under
///   `var/lib/rpm/` or `usr/lib/sysimage/rpm/`. Opened from memory with
///   `sqlite3_deserialize` (read-only), so nothing is written to disk.
/// - Berkeley DB hash `Packages` (RHEL/CentOS 7 and 8, Amazon Linux 2, UBI 8), read page by
///   page by `BerkeleyHashDB`.
/// - ndb `Packages.db` (openSUSE, SLES 15), read by `RpmNdb`.
/// Each record is one rpm header (`RpmHeader`).
///
/// The purl namespace is provisionally `redhat`; the scan rewrites it (and adds `distro`)
/// once the operating system is known.
struct RpmDatabaseAnalyzer: Analyzer {
    let name = "rpm"
    let version = 1

    static let directories = ["var/lib/rpm/", "usr/lib/sysimage/rpm/"]

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Self.directories.contains { dir in
            path == dir + "rpmdb.sqlite" || path == dir + "Packages" || path == dir + "Packages.db"
        }
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.database)
        let blobs: [(Int64, [UInt8])]
        if file.path.hasSuffix("rpmdb.sqlite") {
            blobs = try Self.headerBlobs(file)
        } else if file.path.hasSuffix(".db") {
            blobs = try RpmNdb.blobs([UInt8](file.content), input: file.path)
        } else {
            blobs = try Self.berkeleyBlobs(file)
        }
        var warnings: [ScanWarning] = []
        var packages: [(package: RpmPackage, requires: [String], provides: [String])] = []
        var owned: [String] = []
        for (hnum, blob) in blobs {
            do {
                let header = try RpmHeader(blob, input: file.path)
                guard let pkg = RpmPackage(header) else {
                    warnings.append(ScanWarning(path: file.path, reason: "header \(hnum) has no name, version or release"))
                    continue
                }
                // Imported signing keys are stored as pseudo-packages; they are not software.
                if pkg.name == "gpg-pubkey" { continue }
                owned += Self.files(header)
                packages.append((pkg, header.strings(.requireName), header.strings(.provideName)))
            } catch let error as KensaError {
                warnings.append(ScanWarning(path: file.path, reason: "header \(hnum): \(error.reason)"))
            }
        }

        var providers: [String: RpmPackage] = [:]
        for entry in packages {
            providers[entry.package.name] = providers[entry.package.name] ?? entry.package
            for provided in entry.provides { providers[provided] = providers[provided] ?? entry.package }
        }
        let out = packages.map { entry -> Package in
            var dependsOn = Set<String>()
            for requirement in entry.requires where !requirement.hasPrefix("rpmlib(") {
                if let target = providers[requirement], target.name != entry.package.name {
                    dependsOn.insert(target.purl.description)
                }
            }
            return entry.package.package(foundBy: name, path: file.path, dependsOn: dependsOn.sorted())
        }
        return AnalyzerOutput(packages: out.sorted(), ownedFiles: owned, warnings: warnings)
    }

    /// `(hnum, blob)` of every row of `Packages`, read from the in-memory database.
    static func headerBlobs(_ file: AnalyzerInput) throws -> [(Int64, [UInt8])] {
        var bytes = [UInt8](file.content)
        guard bytes.count >= 100, bytes.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw KensaError(.malformed, input: file.path, reason: "not an SQLite database")
        }
        // Bytes 18–19 say "WAL mode" (2); a deserialized database cannot use a WAL file, and
        // a database copied out of an image has none, so read it as a rollback database.
        bytes[18] = 1
        bytes[19] = 1
        do {
            let queue = try DatabaseQueue()
            return try queue.inDatabase { db -> [(Int64, [UInt8])] in
                let size = bytes.count
                guard let buffer = sqlite3_malloc64(UInt64(size)) else {
                    throw KensaError(.limitExceeded, input: file.path, reason: "cannot allocate \(size) bytes for the database")
                }
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: size) }
                let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY)
                let rc = sqlite3_deserialize(db.sqliteConnection, "main", buffer.assumingMemoryBound(to: UInt8.self),
                                             sqlite3_int64(size), sqlite3_int64(size), flags)
                guard rc == SQLITE_OK else {
                    throw KensaError(.malformed, input: file.path, reason: "SQLite refused the database (code \(rc))")
                }
                let rows = try Row.fetchCursor(db, sql: "SELECT hnum, blob FROM Packages ORDER BY hnum")
                var out: [(Int64, [UInt8])] = []
                while let row = try rows.next() {
                    let blob: Data? = row[1]
                    out.append((row[0], blob.map { [UInt8]($0) } ?? []))
                }
                return out
            }
        } catch let error as DatabaseError {
            throw KensaError(.malformed, input: file.path, reason: "rpmdb.sqlite: \(error.message ?? "SQLite error \(error.resultCode)")")
        }
    }

    /// `(hnum, blob)` from a Berkeley DB `Packages`: keys are native-order 32-bit instance
    /// numbers; key 0 holds rpm's instance counter, not a header.
    static func berkeleyBlobs(_ file: AnalyzerInput) throws -> [(Int64, [UInt8])] {
        let bytes = [UInt8](file.content)
        guard BerkeleyHashDB.isHashDatabase(bytes) else {
            throw KensaError(.malformed, input: file.path, reason: "not a Berkeley DB hash database")
        }
        var out: [(Int64, [UInt8])] = []
        for (key, value) in try BerkeleyHashDB.values(bytes, input: file.path, maxValue: InstalledLimits.database)
        where key.count == 4 {
            let hnum = key.reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
            if hnum == 0 || value.count < 8 { continue }
            out.append((hnum, value))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Absolute paths from BASENAMES, DIRNAMES and DIRINDEXES; an index outside DIRNAMES
    /// drops that file rather than the package.
    static func files(_ header: RpmHeader) -> [String] {
        let bases = header.strings(.baseNames)
        let dirs = header.strings(.dirNames)
        let indexes = header.int32s(.dirIndexes)
        return zip(bases, indexes).compactMap { base, index in
            guard index >= 0, Int(index) < dirs.count else { return nil }
            return dirs[Int(index)] + base
        }
    }
}

struct RpmPackage {
    var name, version, release: String
    var epoch: Int32?
    var arch: String?
    var sourceRPM: String?
    var license: String?

    init?(_ header: RpmHeader) {
        guard let name = header.string(.name), !name.isEmpty,
              let version = header.string(.version), !version.isEmpty,
              let release = header.string(.release) else { return nil }
        self.name = name
        self.version = version
        self.release = release
        epoch = header.int32s(.epoch).first
        arch = header.string(.arch)
        sourceRPM = header.string(.sourceRPM)
        license = header.string(.license)
    }

    /// `epoch:version-release`, the epoch only when set: what rpm compares.
    var fullVersion: String {
        let vr = release.isEmpty ? version : version + "-" + release
        if let epoch, epoch != 0 { return "\(epoch):\(vr)" }
        return vr
    }

    var purl: PURL {
        var qualifiers = ["arch": arch ?? ""]
        if let epoch, epoch != 0 { qualifiers["epoch"] = String(epoch) }
        return PURL(ecosystem: .rpm, namespace: "redhat", name: name,
                    version: release.isEmpty ? version : version + "-" + release, qualifiers: qualifiers)
    }

    /// `bash-5.1.8-6.el9.src.rpm` → (`bash`, `5.1.8-6.el9`).
    static func parseSourceRPM(_ file: String) -> (name: String, versionRelease: String)? {
        var base = Substring(file)
        for suffix in [".src.rpm", ".nosrc.rpm"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
            break
        }
        guard let releaseDash = base.lastIndex(of: "-") else { return nil }
        let head = base[..<releaseDash]
        guard let versionDash = head.lastIndex(of: "-") else { return nil }
        let name = head[..<versionDash]
        guard !name.isEmpty else { return nil }
        return (String(name), String(base[base.index(after: versionDash)...]))
    }

    func package(foundBy: String, path: String, dependsOn: [String]) -> Package {
        var sourceName = name
        var sourceVersion = fullVersion
        if let sourceRPM, let parsed = Self.parseSourceRPM(sourceRPM) {
            sourceName = parsed.name
            // Source RPMs carry no epoch of their own; the binary's applies.
            if let epoch, epoch != 0 { sourceVersion = "\(epoch):\(parsed.versionRelease)" } else {
                sourceVersion = parsed.versionRelease
            }
        }
        return Package(name: name, version: fullVersion, ecosystem: .rpm, purl: purl, foundBy: foundBy,
                       sourceName: sourceName, sourceVersion: sourceVersion, architecture: arch,
                       licenses: license.map { [$0] } ?? [], location: .init(path: path), dependsOn: dependsOn)
    }
}
