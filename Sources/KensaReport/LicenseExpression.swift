/// How a license string from package metadata goes into an SBOM: an SPDX License List ID, a
/// valid SPDX license expression (SPDX 2.3 Annex D) over such IDs, or free text.
///
/// Free text is anything else (`MIT License`, `GPLv2+`, `BSD`): writers keep it as a name
/// (CycloneDX) or an extracted `LicenseRef-` (SPDX), never guess an ID for it; classifying
/// licenses is the license scanner's job.
enum LicenseClass: Equatable {
    /// One ID from the SPDX License List, in the list's own spelling.
    case id(String)
    /// A compound expression, re-spelled canonically (list spelling, upper-case operators).
    case expression(LicenseExpression)
    case text(String)

    init(_ raw: String) {
        let text = raw.trimmingWhitespace
        if let id = SPDXLicenses.canonicalLicense(text) {
            self = .id(id)
        } else if let expression = LicenseExpression(parsing: text) {
            self = .expression(expression)
        } else {
            self = .text(text)
        }
    }
}

indirect enum LicenseExpression: Equatable {
    /// A list ID, possibly with the `+` ("or later") operator.
    case license(String, orLater: Bool)
    case with(LicenseExpression, exception: String)
    case and([LicenseExpression])
    case or([LicenseExpression])

    /// Deeper nesting than this is not a license anyone wrote; it is treated as free text.
    static let maximumDepth = 32
    static let maximumLength = 4096

    init?(parsing text: String) {
        guard text.utf8.count <= Self.maximumLength, let tokens = Self.tokenize(text), !tokens.isEmpty else {
            return nil
        }
        var parser = Parser(tokens: tokens)
        guard let expression = parser.parseOr(depth: 0), parser.atEnd else { return nil }
        self = expression
    }

    /// The canonical spelling: precedence WITH > AND > OR, parentheses only where needed.
    var text: String {
        switch self {
        case .license(let id, let orLater): return orLater ? id + "+" : id
        case .with(let license, let exception): return license.text + " WITH " + exception
        case .and(let parts):
            return parts.map { if case .or = $0 { "(" + $0.text + ")" } else { $0.text } }
                .joined(separator: " AND ")
        case .or(let parts): return parts.map(\.text).joined(separator: " OR ")
        }
    }

    /// `parts` joined by AND, flattening nested ANDs.
    static func all(_ parts: [LicenseExpression]) -> LicenseExpression? {
        let flat = parts.flatMap { part -> [LicenseExpression] in
            if case .and(let inner) = part { return inner }
            return [part]
        }
        switch flat.count {
        case 0: return nil
        case 1: return flat[0]
        default: return .and(flat)
        }
    }

    private enum Token: Equatable {
        case open, close, and, or, with
        case word(String)
    }

    private static func tokenize(_ text: String) -> [Token]? {
        var tokens: [Token] = []
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            switch word.uppercased() {
            // SPDX 2.3 spells operators upper-case; lower-case ones are common in the wild
            // (npm, PyPI metadata) and unambiguous, so they are accepted and re-spelled.
            case "AND": tokens.append(.and)
            case "OR": tokens.append(.or)
            case "WITH": tokens.append(.with)
            default: tokens.append(.word(word))
            }
            word = ""
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "(": flush(); tokens.append(.open)
            case ")": flush(); tokens.append(.close)
            case " ", "\t", "\n", "\r": flush()
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "+":
                word.unicodeScalars.append(scalar)
            default:
                return nil
            }
        }
        flush()
        return tokens
    }

    private struct Parser {
        var tokens: [Token]
        var position = 0

        var atEnd: Bool { position == tokens.count }

        mutating func next() -> Token? {
            guard position < tokens.count else { return nil }
            defer { position += 1 }
            return tokens[position]
        }

        func peek() -> Token? { position < tokens.count ? tokens[position] : nil }

        mutating func parseOr(depth: Int) -> LicenseExpression? {
            guard depth < LicenseExpression.maximumDepth, var left = parseAnd(depth: depth) else { return nil }
            var parts = [left]
            while peek() == .or {
                position += 1
                guard let right = parseAnd(depth: depth) else { return nil }
                parts.append(right)
            }
            if parts.count > 1 {
                left = .or(parts.flatMap { if case .or(let inner) = $0 { inner } else { [$0] } })
            }
            return left
        }

        mutating func parseAnd(depth: Int) -> LicenseExpression? {
            guard var left = parseWith(depth: depth) else { return nil }
            var parts = [left]
            while peek() == .and {
                position += 1
                guard let right = parseWith(depth: depth) else { return nil }
                parts.append(right)
            }
            if parts.count > 1 {
                left = .and(parts.flatMap { if case .and(let inner) = $0 { inner } else { [$0] } })
            }
            return left
        }

        mutating func parseWith(depth: Int) -> LicenseExpression? {
            guard let atom = parseAtom(depth: depth) else { return nil }
            guard peek() == .with else { return atom }
            position += 1
            // An exception applies to a single license, never to a compound expression.
            guard case .license = atom, case .word(let word)? = next(),
                  let exception = SPDXLicenses.canonicalException(word) else { return nil }
            return .with(atom, exception: exception)
        }

        mutating func parseAtom(depth: Int) -> LicenseExpression? {
            switch next() {
            case .open?:
                guard let inner = parseOr(depth: depth + 1), next() == .close else { return nil }
                return inner
            case .word(let word)?:
                if let id = SPDXLicenses.canonicalLicense(word) { return .license(id, orLater: false) }
                if word.hasSuffix("+"), let id = SPDXLicenses.canonicalLicense(String(word.dropLast())) {
                    return .license(id, orLater: true)
                }
                return nil
            default:
                return nil
            }
        }
    }
}

/// Case-insensitive lookup in the SPDX License List (SPDX 2.3 Annex D: IDs match
/// case-insensitively), answering with the list's spelling.
enum SPDXLicenses {
    private static let licenses: [String: String] = Dictionary(
        SPDXLicenseList.licenses.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    private static let exceptions: [String: String] = Dictionary(
        SPDXLicenseList.exceptions.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    static func canonicalLicense(_ text: String) -> String? { licenses[text.lowercased()] }
    static func canonicalException(_ text: String) -> String? { exceptions[text.lowercased()] }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
