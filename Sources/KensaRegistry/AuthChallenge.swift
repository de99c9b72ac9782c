/// A `WWW-Authenticate` challenge (RFC 7235): a scheme and its auth-params, e.g.
/// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`.
/// Parsed by hand: one header, a dozen lines of grammar.
struct AuthChallenge: Sendable, Equatable {
    var scheme: String
    var parameters: [String: String]

    static let maxHeaderLength = 8192

    /// The first challenge in the header; nil when it cannot be read.
    static func parse(_ header: String) -> AuthChallenge? {
        guard header.utf8.count <= maxHeaderLength else { return nil }
        let chars = Array(header.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        func token() -> String {
            var s = ""
            while i < chars.count, chars[i] != " ", chars[i] != "\t", chars[i] != "=", chars[i] != "," {
                s.unicodeScalars.append(chars[i]); i += 1
            }
            return s
        }
        skipSpaces()
        let scheme = token()
        guard !scheme.isEmpty else { return nil }
        var parameters: [String: String] = [:]
        while i < chars.count {
            skipSpaces()
            while i < chars.count, chars[i] == "," { i += 1; skipSpaces() }
            let name = token().lowercased()
            if name.isEmpty { break }
            skipSpaces()
            guard i < chars.count, chars[i] == "=" else { break }
            i += 1
            skipSpaces()
            var value = ""
            if i < chars.count, chars[i] == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    value.unicodeScalars.append(chars[i]); i += 1
                }
                guard i < chars.count else { return nil }
                i += 1
            } else {
                value = token()
            }
            parameters[name] = value
        }
        return AuthChallenge(scheme: scheme.lowercased(), parameters: parameters)
    }
}
