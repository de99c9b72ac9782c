import Foundation
import KensaCore

/// A registry username and password. `description` never shows the password.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "Credentials(\(username), <redacted>)" }

    var basicHeader: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// Where credentials come from, first match wins: the command line, `KENSA_USERNAME` and
/// `KENSA_PASSWORD`, then Docker's `config.json` (`$DOCKER_CONFIG/config.json` or
/// `~/.docker/config.json`): `credHelpers[host]`, `auths[host]`, `credsStore`.
public enum CredentialLookup {
    public static func find(host: String, explicit: Credentials?, environment: [String: String]) throws -> Credentials? {
        if let explicit { return explicit }
        if let user = environment["KENSA_USERNAME"], let password = environment["KENSA_PASSWORD"], !user.isEmpty {
            return Credentials(username: user, password: password)
        }
        let dir = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.docker")
        return try fromDockerConfig(path: dir + "/config.json", host: host, environment: environment)
    }

    struct DockerConfig: Decodable {
        struct Auth: Decodable {
            var auth: String?
            var username: String?
            var password: String?
        }
        var auths: [String: Auth]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    static func fromDockerConfig(path: String, host: String, environment: [String: String]) throws -> Credentials? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot read the Docker credentials file")
        }
        guard data.count <= 4 << 20 else {
            throw KensaError(.limitExceeded, input: path, reason: "larger than 4 MiB")
        }
        let config: DockerConfig
        do { config = try JSONDecoder().decode(DockerConfig.self, from: data) } catch {
            // The decoder's message can quote the file's content, which holds secrets.
            throw KensaError(.malformed, input: path, reason: "not a valid Docker config.json")
        }
        let key = normaliseHost(host)
        if let helper = config.credHelpers?.first(where: { normaliseHost($0.key) == key })?.value {
            return try runHelper(helper, host: host, environment: environment)
        }
        if let entry = config.auths?.first(where: { normaliseHost($0.key) == key })?.value {
            if let auth = entry.auth, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                      let colon = decoded.firstIndex(of: ":") else {
                    throw KensaError(.malformed, input: path, reason: "the auth entry for \(host) is not base64 of user:password")
                }
                return Credentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            }
            if let u = entry.username, let p = entry.password {
                return Credentials(username: u, password: p)
            }
        }
        if let store = config.credsStore, !store.isEmpty {
            return try runHelper(store, host: host, environment: environment)
        }
        return nil
    }

    /// `docker.io`, `index.docker.io`, `registry-1.docker.io` and `https://index.docker.io/v1/`
    /// are one registry; other keys compare by host[:port] without scheme or path.
    static func normaliseHost(_ key: String) -> String {
        var k = Substring(key)
        if let r = k.range(of: "://") { k = k[r.upperBound...] }
        if let slash = k.firstIndex(of: "/") { k = k[..<slash] }
        let host = k.lowercased()
        return ["index.docker.io", "registry-1.docker.io", "docker.io"].contains(host) ? "docker.io" : host
    }

    /// Runs `docker-credential-NAME get` with the server URL on standard input, as Docker does.
    static func runHelper(_ name: String, host: String, environment: [String: String]) throws -> Credentials? {
        guard name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }) else {
            throw KensaError(.malformed, input: "docker-credential-\(name)", reason: "credential helper name has unexpected characters")
        }
        let program = "docker-credential-\(name)"
        let server = normaliseHost(host) == "docker.io" ? "https://index.docker.io/v1/" : host
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program, "get"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.environment = environment
        // Written before the helper starts (it fits the pipe's buffer), so a helper that exits
        // without reading cannot raise SIGPIPE here.
        input.fileHandleForWriting.write(Data(server.utf8))
        try? input.fileHandleForWriting.close()
        do { try process.run() } catch {
            throw KensaError(.unreadable, input: program, reason: "cannot run the credential helper: \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // "credentials not found" is an ordinary answer: go anonymous.
            return nil
        }
        struct Answer: Decodable { var Username: String; var Secret: String }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data) else {
            throw KensaError(.malformed, input: program, reason: "credential helper answered something other than {Username, Secret}")
        }
        return Credentials(username: answer.Username, password: answer.Secret)
    }
}
