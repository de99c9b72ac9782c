import Testing
@testable import KensaVersion

/// Alpine has no vector file (no apk-tools in Debian), so these cases come from the rules in
/// apk-tools 3's src/version.c (alpinelinux/apk-tools: `token_next`, `token_cmp`,
/// `apk_version_compare_fuzzy`), from pairs in its own test list test/unit/version.data (cited
/// as "version.data"), and from the version format the Alpine wiki's APKBUILD reference gives
/// for `pkgver`/`pkgrel` (https://wiki.alpinelinux.org/wiki/APKBUILD_Reference).
struct ApkVersionTests {
    static func cmp(_ a: String, _ b: String) throws -> Int { try VersionScheme.apk.compare(a, b) }

    /// (a, b, expected, source)
    static let cases: [(String, String, Int, String)] = [
        // Numbers compare by value, component by component (version.c: TOKEN_DIGIT values).
        ("1.2", "1.10", -1, "version.c: digit tokens compare numerically"),
        ("1.0", "1.0", 0, "version.c: identical token streams are equal"),
        ("2.0", "1.99.99", 1, "version.c: first differing digit token decides"),
        // A longer version is newer once the common part is equal (at > bt rule).
        ("1.0", "1.0.1", -1, "version.c: the non-terminated version is greater"),
        // The -rN revision (pkgrel) compares after the version.
        ("1.0-r1", "1.0-r2", -1, "APKBUILD Reference: pkgrel as -rN; version.c TOKEN_REVISION_NO"),
        ("1.0-r10", "1.0-r9", 1, "version.c: revision numbers compare numerically"),
        ("1.0", "1.0-r0", -1, "version.c: a trailing revision token makes the version greater"),
        ("1.1-r0", "1.0-r5", 1, "version.c: the version decides before the revision"),
        // Pre-release suffixes sort below the bare version, in the order alpha < beta < pre < rc.
        ("1.0_alpha", "1.0", -1, "version.c: pre_suffixes get negative values; APKBUILD Reference suffix list"),
        ("1.0_alpha1", "1.0_beta1", -1, "version.c: pre_suffixes order alpha, beta, pre, rc"),
        ("1.0_beta", "1.0_pre", -1, "version.c: pre_suffixes order"),
        ("1.0_pre2", "1.0_rc1", -1, "version.c: pre_suffixes order"),
        ("1.0_rc1", "1.0", -1, "version.c: a pre-release suffix after equal parts is less"),
        ("1.0_rc2", "1.0_rc10", -1, "version.c: suffix numbers compare numerically"),
        // Post-release suffixes sort above the bare version: cvs < svn < git < hg < p.
        ("1.0_p1", "1.0", 1, "version.c: post_suffixes are greater than the bare version"),
        ("1.0_cvs", "1.0_svn", -1, "version.c: post_suffixes order cvs, svn, git, hg, p"),
        ("1.0_git20240101", "1.0_hg1", -1, "version.c: post_suffixes order"),
        ("1.0_hg1", "1.0_p1", -1, "version.c: post_suffixes order"),
        ("1.0_p1", "1.0_p2", -1, "version.c: suffix numbers"),
        ("1.0_rc1", "1.0_p1", -1, "version.c: pre < none < post"),
        // A single lower-case letter after the number (e.g. openssl 1.1.1w).
        ("1.1.1a", "1.1.1b", -1, "version.c: TOKEN_LETTER values are the character"),
        ("1.1.1w", "1.1.1", 1, "version.c: a letter after equal digits is greater"),
        ("1.1.1w", "1.1.2", -1, "version.c: digits decide before the letter"),
        // Real Alpine package versions.
        ("3.1.4-r5", "3.1.4-r10", -1, "Alpine aports pkgrel bumps"),
        ("1.36.1-r15", "1.36.1-r2", 1, "Alpine busybox pkgrel"),
        ("2.39.2-r0", "2.40.1-r0", -1, "Alpine util-linux releases"),
        ("6.4_p20231125-r0", "6.4_p20230506-r0", 1, "Alpine ncurses patch-level suffix"),
        // A dot-component with a leading zero compares as text (version.c token_cmp, "similar
        // to Gentoo spec"), so 1.01 > 1.001 and 1.01 < 1.1.
        ("1.01", "1.001", 1, "version.c: leading zero → text comparison"),
        ("1.01", "1.1", -1, "version.c: leading zero → text comparison"),
        ("1.0", "1.00", -1, "version.c: leading zero → text comparison, shorter first"),
        ("1.0.0", "1.0", 1, "version.c: the longer version is greater"),
        // Pairs from apk-tools' test/unit/version.data.
        ("2.34", "0.1.0_alpha", 1, "version.data"),
        ("0.1.0_alpha2", "0.1.0_alpha", 1, "version.data"),
        ("1.1", "1.1_alpha1", 1, "version.data"),
        ("1.2.1", "1.2", 1, "version.data"),
        ("0.8_beta4", "4.8-r1", -1, "version.data"),
        ("3.10.18-r1", "2.3.0b-r1", 1, "version.data"),
        // The commit-hash component sorts between suffixes and the revision (version.c
        // TOKEN_COMMIT_HASH; hashes compare as text).
        ("1.0~abc123", "1.0~abc124", -1, "version.c: commit hashes compare as text"),
        ("1.0~abc", "1.0", 1, "version.c: a trailing hash component makes the version greater"),
        ("1.0~abc-r1", "1.0~abc-r2", -1, "version.c: revision after the hash"),
    ]

    @Test(arguments: 0..<cases.count)
    func comparesAsApkTools(index: Int) throws {
        let (a, b, expected, source) = Self.cases[index]
        #expect(try Self.cmp(a, b) == expected, "\(a) vs \(b) (\(source))")
        #expect(try Self.cmp(b, a) == -expected, "\(b) vs \(a) (\(source))")
    }

    /// Strings apk_version_validate rejects.
    @Test(arguments: [
        "",              // empty
        "a1.0",          // must start with a digit (validate starts in TOKEN_DIGIT)
        "1.0-1",         // '-' must be followed by 'r'
        "1.0_foo",       // unknown suffix
        "1.0A",          // letters must be lower case (islower)
        "1.0ab",         // only one letter after the number
        "1.0-r1_p1",     // nothing may follow the revision's number but the end
        "1..0",          // '.' must be followed by a digit
        "1.0 ",          // spaces are not part of the grammar
        "1.0-r1.2",      // the revision is a single number
        "1.0~",          // a hash needs hex digits
        "1.0~xyz",       // ... lower-case hex only
        "1.0-r1~abc",    // the hash comes before the revision
        "1.0_pl",        // suffix names must match exactly
        "1.0-r",         // the revision needs a number
    ])
    func rejectsInvalidVersions(_ s: String) {
        #expect(throws: VersionError.self) { try ApkVersion(s) }
    }

    @Test func acceptsTheDocumentedShapes() throws {
        for s in ["1", "1.2.3", "1.2.3a", "1.2.3_rc1", "1.2.3_rc1_p2", "1.2.3a_alpha2-r4", "20240101", "0.0.1_git20240101-r0", "1.0~deadbeef-r3", "1.0_p"] {
            _ = try ApkVersion(s)
        }
    }

    @Test func equalVersionsHashAlike() throws {
        let a = try ApkVersion("1.2.3-r1"), b = try ApkVersion("1.2.3-r1")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }
}
