import Foundation
import KensaCore
@testable import KensaSecrets
import Testing

@Suite struct SecretScannerTests {
    let scanner = SecretScanner()
    // assembled at run time so that this file holds no scannable token
    static let pat = "ghp" + "_" + "0lR8acRYSi4MDF8kWCBX1KpeZUaLJ4d8jOCs"
    static let awsID = "AKIA" + "B4CEU4RRCGLRC26E"

    func scan(_ text: String, path: String = "f.txt") -> [Finding] {
        scanner.scan(path: path, content: Data(text.utf8))
    }

    @Test func findingCarriesLocationAndRedactedMatch() throws {
        let text = "line one\nline two\nGH_TOKEN: \(Self.pat)\nlast\n"
        let found = scan(text, path: "ci/release.yml")
        let f = try #require(found.first)
        #expect(found.count == 1)  // the generic token rule yields to the GitHub rule
        #expect(f.kind == .secret && f.id == "github-pat" && f.category == "GitHub" && f.severity == .critical)
        #expect(f.location.path == "ci/release.yml" && f.location.startLine == 3 && f.location.endLine == 3)
        #expect(f.match == "ghp_*** (40 chars)")
        #expect(!f.message.contains(Self.pat))
    }

    @Test func multiLineKeyReportsItsLineRange() throws {
        let body = (0..<5).map { _ in String(repeating: "QUJD", count: 16) }.joined(separator: "\n")
        let text = "# key\n-----BEGIN EC PRIVATE" + " KEY-----\n\(body)\n-----END EC PRIVATE KEY-----\n"
        let f = try #require(scan(text).first)
        #expect(f.id == "private-key-ec" && f.location.startLine == 2 && f.location.endLine == 8)
    }

    @Test func placeholdersAndReferencesAreNotReported() {
        let docs = """
        export GITHUB_TOKEN=ghp_yourTokenGoesHere0000000000000000000
        MIRROR_TOKEN: 'ghp_000000000000000000000000000000000000'
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        password = "${PAGER_PASSWORD}"
        DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
        token = "TODO-set-me"
        DB_PASSWORD=password123  # local docker only
        api_key = "<your-api-key>"
        secret: xxxxxxxxxxxxxxxx
        """
        #expect(scan(docs).isEmpty)
    }

    @Test func genericRulesNeedCredentialLikeValues() {
        #expect(scan("DB_PASSWORD='Kx9!3dF6Yz615CgC'\n").map(\.id) == ["generic-password"])
        #expect(scan("secretName: orders-db-credentials\n").isEmpty)       // a name, not a secret
        #expect(scan("password_file = /run/secrets/db\n").isEmpty)          // a path
        #expect(scan("token_url = https://auth.acme.io/oauth2/t0ken\n").isEmpty)
        #expect(scan("api_key = os.environ.get2('API_KEY')\n").isEmpty)
        #expect(scan("password = 12345678901\n").isEmpty)                   // a plain number
        // settings about passwords, not passwords (PostgreSQL's postgresql.conf, found by
        // `kensa rootfs /` on a Debian host): the key names an algorithm or a rule
        #expect(scan("#password_encryption = scram-sha-256\t# scram-sha-256 or md5\n").isEmpty)
        #expect(scan("password_hash_algorithm: bcrypt-sha256\n").isEmpty)
        #expect(scan("PASSWORD_CIPHER=aes-256-gcm\n").isEmpty)
        #expect(scan("db_password_encryption = 'Kx9!3dF6Yz615CgC'\n").isEmpty)
        #expect(scan("db_password = 'Kx9!3dF6Yz615CgC'\n").map(\.id) == ["generic-password"])
    }

    @Test func binaryContentIsSkipped() {
        var bytes = Array("AWS=\(Self.awsID)\n".utf8)
        bytes.insert(0, at: 2)
        #expect(scanner.scan(path: "blob", content: Data(bytes)).isEmpty)
        // mostly control bytes, no NUL
        var noisy = [UInt8](repeating: 1, count: 4000)
        noisy += Array(" \(Self.awsID) ".utf8)
        #expect(scanner.scan(path: "blob", content: Data(noisy)).isEmpty)
        // a NUL after the first 8 KiB does not make a text file binary
        var late = Array(String(repeating: "x", count: 9000).utf8)
        late += [0] + Array("\nid = \(Self.awsID)\n".utf8)
        #expect(scanner.scan(path: "t", content: Data(late)).map(\.id) == ["aws-access-key-id"])
    }

    @Test func invalidUTF8IsTolerated() throws {
        var bytes: [UInt8] = [0xff, 0xfe, 0xc3, 0x28, 10]
        bytes += Array("key: \(Self.awsID)".utf8) + [0xe2, 0x82, 10]
        let found = scanner.scan(path: "latin1.txt", content: Data(bytes))
        let f = try #require(found.first)
        #expect(f.id == "aws-access-key-id" && f.location.startLine == 2)
    }

    @Test func crlfLineNumbers() throws {
        let text = "a\r\nb\r\nid=\(Self.awsID)\r\n"
        let f = try #require(scan(text).first)
        #expect(f.location.startLine == 3 && f.location.endLine == 3)
    }

    @Test func emptyAndTinyInputs() {
        #expect(scanner.scan(path: "e", content: Data()).isEmpty)
        #expect(scan("g").isEmpty)
        #expect(scan("ghp_").isEmpty)
        #expect(scan("-----BEGIN RSA PRIVATE" + " KEY-----").isEmpty)  // truncated block
    }

    @Test func wantsSkipsBinaryTypesAndLargeFiles() {
        let small = SecretScanner(maxFileSize: 1000)
        #expect(small.wants(path: "a/b/app.env", size: 10))
        #expect(small.wants(path: "Dockerfile", size: 10))
        #expect(small.wants(path: ".npmrc", size: 10))
        #expect(!small.wants(path: "a/logo.PNG", size: 10))
        #expect(!small.wants(path: "lib/x.so", size: 10))
        #expect(!small.wants(path: "a/big.txt", size: 1001))
        #expect(!small.wants(path: "a/neg.txt", size: -1))
    }

    /// The streaming scan gives the same findings as the in-memory scan, for any chunking.
    @Test func streamingMatchesWholeBufferScan() throws {
        var text = ""
        for i in 0..<400 {
            text += "line \(i) filler filler filler\n"
            if i % 50 == 7 { text += "GH_TOKEN=\(Self.pat)\n" }
            if i % 90 == 3 { text += "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n" + String(repeating: "b3BlbnNzaC1rZXk\n", count: 30) + "-----END OPENSSH PRIVATE KEY-----\n" }
        }
        let data = Data(text.utf8)
        let whole = scanner.scan(path: "s", content: data)
        #expect(whole.count == 8 + 5)
        for size in [1, 7, 64, 1000, 4096, 100_000] {
            var chunks: [Data] = []
            var i = 0
            while i < data.count { chunks.append(data.subdata(in: i..<min(data.count, i + size))); i += size }
            #expect(scanner.scan(path: "s", chunks: chunks) == whole, "chunk size \(size)")
        }
    }

    /// A single 256 MiB line (no newline anywhere), streamed: memory stays bounded by the chunk
    /// plus the look-behind and look-ahead windows, and a secret at the very end is found.
    @Test func hugeSingleLineIsStreamedInBoundedMemory() throws {
        var s = scanner.stream(path: "one-line.min.js")
        let chunk = Data(String(repeating: "var a=b+c;d=e*f;", count: (1 << 20) / 16).utf8)
        let total = 256
        for _ in 0..<total { s.feed(chunk) }
        s.feed(Data(" id=\(Self.awsID) ".utf8))
        #expect(s.peakBufferedBytes < chunk.count + 40 * 1024)
        let found = s.finish()
        #expect(found.map(\.id) == ["aws-access-key-id"])
        #expect(found.first?.location.startLine == 1)
    }

    /// NUL bytes, invalid UTF-8 and keyword floods in a streamed file.
    @Test func hostileStreams() {
        var nul = scanner.stream(path: "nul")
        for _ in 0..<64 { nul.feed(Data(repeating: 0, count: 1 << 16)) }
        #expect(nul.finish().isEmpty)
        #expect(nul.peakBufferedBytes <= 1 << 16)

        var junk = scanner.stream(path: "junk")
        let bytes = Data((0..<(1 << 16)).map { UInt8(0x80 | ($0 & 0x7f)) })
        for _ in 0..<64 { junk.feed(bytes) }
        #expect(junk.finish().isEmpty)

        // keywords everywhere on one endless line: hits are handled as they become ready
        var words = scanner.stream(path: "words")
        let assignments = Data(String(repeating: "token=q;password=x;", count: 1 << 14).utf8)
        for _ in 0..<16 { words.feed(assignments) }
        #expect(words.finish().isEmpty)
        #expect(words.peakBufferedBytes < assignments.count + 40 * 1024)

        // multi-line rules wait up to 32 KiB for their end marker, and no longer
        var flood = scanner.stream(path: "flood")
        let pem = Data(String(repeating: "-----BEGIN RSA PRIVATE" + " KEY-----", count: 2000).utf8)
        for _ in 0..<16 { flood.feed(pem) }
        #expect(flood.finish().isEmpty)
        #expect(flood.peakBufferedBytes < pem.count + 40 * 1024)
    }

    @Test func scanFileReadsFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("creds")
        var text = String(repeating: "padding line\n", count: 200_000)
        text += "aws_access_key_id=\(Self.awsID)\n"
        try Data(text.utf8).write(to: file)
        let found = try scanner.scanFile(atPath: file.path, reportAs: "home/ci/creds")
        #expect(found.map(\.location.startLine) == [200_001])
        #expect(found.first?.location.path == "home/ci/creds")
        #expect(throws: KensaError.self) { try scanner.scanFile(atPath: dir.appendingPathComponent("missing").path, reportAs: "x") }
    }

    @Test func outputIsSortedAndDeterministic() {
        let text = "b=\(Self.awsID)\na=\(Self.pat)\n"
        let one = scan(text), two = scan(text)
        #expect(one == two && one == one.sorted() && one.map(\.id) == ["aws-access-key-id", "github-pat"])
    }
}
