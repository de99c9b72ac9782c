import KensaCore

/// One kind of secret: where to look (keywords, optional path), what it looks like (a
/// linear-time regex with a secret group), and what to let go (entropy floor, allow rules).
public struct SecretRule: Sendable {
    public var id: String
    public var category: String
    public var title: String
    public var severity: Severity
    /// Case-insensitive literals; the rule's regex runs only near one of them. A rule without
    /// keywords runs on every line (custom rules only; slow).
    public var keywords: [String]
    /// The pattern text (RE2/Go syntax subset, see `ByteRegex`).
    public var regex: String
    /// Name of the group holding the secret; the whole match when absent or not in the regex.
    public var secretGroup: String?
    /// Minimum Shannon entropy (bits per byte) of the secret.
    public var entropy: Double?
    public var allowRules: [SecretAllowRule]
    /// Regex over the file path: the rule applies only to matching paths.
    public var path: String?
    /// The match begins where a keyword occurs, so the regex runs anchored there (fast).
    /// Off for custom rules: their keywords may sit anywhere in the line.
    public var startsAtKeyword: Bool
    /// The match may span lines (PEM blocks); the window extends `maxLength` past the keyword.
    public var multiline: Bool
    /// Longest match looked for after the keyword.
    public var maxLength: Int
    /// A broad assignment rule that yields to a specific rule matching the same bytes.
    public var generic: Bool
    /// Extra verification of the secret value.
    public var verifier: SecretVerifier
    /// Skip documentation placeholders (`EXAMPLE`, `xxxx`, `<your-token>`, `${VAR}`, …).
    public var skipPlaceholders: Bool
    /// Skip documentation shapes that only free-form rules need: Python doctest lines (`>>>`)
    /// and values that are the word "password" or "secret" itself (percent-decoded, in several
    /// languages). On for generic rules and URL credentials; vendor tokens have exact shapes.
    public var skipDocumentation: Bool
    /// A text that must be reported (with `·` marking a break that tests remove, so that
    /// this source file does not itself hold a scannable secret).
    public var example: String
    /// A look-alike that must not be reported by this rule.
    public var nearMiss: String

    /// A cheap test at the keyword before the regex runs (most keyword hits fail it).
    var precheck: SecretPrecheck = .none
    let compiled: ByteRegex?
    let compiledPath: ByteRegex?
    /// Set when the pattern does not compile (only possible for built-ins; a test asserts none).
    let compileError: String?
    let secretGroupIndex: Int
    let keyGroupIndex: Int?

    /// A custom rule; throws a typed error naming the rule when a pattern is invalid.
    public init(id: String, category: String, title: String, severity: Severity, keywords: [String],
                regex: String, secretGroup: String? = nil, entropy: Double? = nil,
                allowRules: [SecretAllowRule] = [], path: String? = nil) throws {
        self.init(builtin: id, category: category, title: title, severity: severity, keywords: keywords,
                  regex: regex, secretGroup: secretGroup, entropy: entropy, allowRules: allowRules, path: path,
                  startsAtKeyword: false, skipPlaceholders: false, skipDocumentation: false,
                  example: "", nearMiss: "")
        if let compileError {
            throw KensaError(.malformed, input: "secret rule \(id)", reason: "bad regex: \(compileError)")
        }
        if let path, compiledPath == nil {
            throw KensaError(.malformed, input: "secret rule \(id)", reason: "bad path regex: \(path)")
        }
    }

    init(builtin id: String, category: String, title: String, severity: Severity, keywords: [String],
         regex: String, secretGroup: String? = "secret", entropy: Double? = nil,
         allowRules: [SecretAllowRule] = [], path: String? = nil, startsAtKeyword: Bool = true,
         multiline: Bool = false, maxLength: Int = 1024, generic: Bool = false,
         verifier: SecretVerifier = .none, skipPlaceholders: Bool = true, skipDocumentation: Bool? = nil,
         example: String, nearMiss: String) {
        self.id = id
        self.category = category
        self.title = title
        self.severity = severity
        self.keywords = keywords
        self.regex = regex
        self.secretGroup = secretGroup
        self.entropy = entropy
        self.allowRules = allowRules
        self.path = path
        self.startsAtKeyword = startsAtKeyword
        self.multiline = multiline
        self.maxLength = maxLength
        self.generic = generic
        self.verifier = verifier
        self.skipPlaceholders = skipPlaceholders
        self.skipDocumentation = skipDocumentation ?? generic
        self.example = example
        self.nearMiss = nearMiss
        var problem: String? = nil
        var compiled: ByteRegex? = nil
        do { compiled = try ByteRegex(regex) } catch { problem = error.description }
        self.compiled = compiled
        self.compileError = problem
        self.compiledPath = path.flatMap { try? ByteRegex($0) }
        self.secretGroupIndex = secretGroup.flatMap { compiled?.group(named: $0) } ?? 0
        self.keyGroupIndex = compiled?.group(named: "key")
    }

    /// A vendor token: a fixed prefix and a body, reported whole. Adds a word boundary before
    /// and requires that no token character follows (so a longer string is a near miss).
    static func token(_ id: String, _ category: String, _ title: String, _ severity: Severity = .critical,
                      prefix: String, body: String, keywords: [String]? = nil, entropy: Double? = nil,
                      caseInsensitivePrefix: Bool = false, example: String, nearMiss: String) -> SecretRule {
        let escaped = prefix.map { ch -> String in
            "\\^$.|?*+()[]{}".contains(ch) ? "\\\(ch)" : String(ch)
        }.joined()
        let boundary = prefix.first.map { $0.isLetter || $0.isNumber || $0 == "_" } == true ? "\\b" : ""
        let p = caseInsensitivePrefix ? "(?i:\(escaped))" : escaped
        var rule = SecretRule(builtin: id, category: category, title: title, severity: severity,
                              keywords: keywords ?? [prefix], regex: "\(boundary)(?P<secret>\(p)\(body))(?:[^A-Za-z0-9_-]|$)",
                              entropy: entropy, example: example, nearMiss: nearMiss)
        if !caseInsensitivePrefix && keywords == nil { rule.precheck = .literal(Array(prefix.utf8)) }
        return rule
    }

    /// A built-in `key = value` rule: the regex runs only where an assignment follows the keyword.
    func assignment() -> SecretRule {
        var rule = self
        rule.precheck = .assignment
        return rule
    }
}

/// A necessary condition checked at a keyword hit before the regex runs.
enum SecretPrecheck: Sendable {
    case none
    /// The keyword occurs with exactly these bytes (case-sensitive).
    case literal([UInt8])
    /// Within 48 bytes of identifier characters, an optional quote and blanks, `=` or `:` follows.
    case assignment

    func passes(_ buf: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Bool {
        switch self {
        case .none:
            return true
        case .literal(let bytes):
            guard i + bytes.count <= end else { return false }
            for k in 0..<bytes.count where buf[i + k] != bytes[k] { return false }
            return true
        case .assignment:
            var j = i
            let stop = min(end, i + 48)
            while j < stop {
                let b = buf[j]
                let word = (b | 0x20) >= 97 && (b | 0x20) <= 122 || (b >= 48 && b <= 57) || b == 95 || b == 45 || b == 46
                if !word { break }
                j += 1
            }
            if j < end, buf[j] == 34 || buf[j] == 39 { j += 1 }
            while j < end, buf[j] == 32 || buf[j] == 9 { j += 1 }
            return j < end && (buf[j] == 61 || buf[j] == 58)
        }
    }
}

/// Extra checks a regex cannot express.
public enum SecretVerifier: Sendable {
    case none
    /// Base64 of `user:password` with a non-empty password (Docker `auth`, HTTP Basic).
    case base64UserPassword
    /// A free-form assignment value: not an identifier, path, reference or plain number.
    case assignmentValue
}

/// A reason not to report: a path pattern (the whole file) or a pattern over the secret.
public struct SecretAllowRule: Sendable {
    public var id: String
    public var description: String?
    public var regex: String?
    public var path: String?
    let compiledRegex: ByteRegex?
    let compiledPath: ByteRegex?

    public init(id: String, description: String? = nil, regex: String? = nil, path: String? = nil) throws {
        self.id = id
        self.description = description
        self.regex = regex
        self.path = path
        do {
            compiledRegex = try regex.map { try ByteRegex($0) }
            compiledPath = try path.map { try ByteRegex($0) }
        } catch {
            throw KensaError(.malformed, input: "secret allow rule \(id)", reason: "bad regex: \(error)")
        }
        if regex == nil && path == nil {
            throw KensaError(.malformed, input: "secret allow rule \(id)", reason: "needs a regex or a path")
        }
    }

    func allowsPath(_ path: String) -> Bool { compiledPath?.matches(path) ?? false }
}
