// OpenVEX documents (https://github.com/openvex/spec, v0.2.0; the older shape with string
// vulnerabilities and products is read too). A statement names a vulnerability, the products
// (and subcomponents) it is about and a status; `not_affected` and `fixed` suppress the
// vulnerability findings they name. Later statements override earlier ones, as the spec says:
// for each finding the newest matching statement decides.
//
// A statement is about a finding's package when a product or subcomponent purl covers the
// package's purl, or when a product is the scanned image itself (`pkg:oci/NAME@DIGEST`) and
// lists no subcomponents: then it speaks for every package in the image.
//
// Parsed with JSONSerialization after a depth check: the document is small and loosely shaped
// (strings or objects in several places), which Codable would only make longer.

import Foundation

public struct OpenVEX: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case notAffected = "not_affected"
        case affected
        case fixed
        case underInvestigation = "under_investigation"

        var suppresses: Bool { self == .notAffected || self == .fixed }
    }

    public struct Statement: Sendable, Hashable {
        /// The vulnerability's name, its aliases and its `@id`, as written.
        public var vulnerability: [String]
        /// Product and subcomponent identifiers that are package URLs (others cannot match a package).
        public var products: [Product]
        public var status: Status
        public var justification: String?
        public var impactStatement: String?
        public var statusNotes: String?
        /// The statement's own time, else the document's (`last_updated` before `timestamp`).
        public var timestamp: Date?
    }

    /// A product and the subcomponents the statement names in it. Only package URLs are kept
    /// (CPEs and plain names cannot match a package).
    public struct Product: Sendable, Hashable {
        public var purls: [PURL]
        public var subcomponents: [PURL]
    }

    public var path: String
    public var statements: [Statement]

    public static let maxBytes = 32 << 20
    static let maxDepth = 32
    static let justifications: Set<String> = [
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    ]

    public init(path: String, statements: [Statement]) {
        self.path = path
        self.statements = statements
    }

    public static func load(path: String) throws(KensaError) -> OpenVEX {
        try parse(try SuppressionInput.read(path, limit: maxBytes, what: "VEX document"), path: path)
    }

    public static func parse(_ data: Data, path: String) throws(KensaError) -> OpenVEX {
        if data.count > maxBytes {
            throw KensaError(.limitExceeded, input: path, reason: "VEX document is larger than \(maxBytes) bytes")
        }
        if jsonNestingDepth(data) > maxDepth {
            throw KensaError(.limitExceeded, input: path, reason: "JSON nested deeper than \(maxDepth) levels")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw KensaError(.malformed, input: path, reason: "not valid JSON")
        }
        guard let document = object as? [String: Any] else {
            throw KensaError(.malformed, input: path, reason: "not an OpenVEX document (the top level must be an object)")
        }
        if document["bomFormat"] != nil || document["document"] != nil {
            throw KensaError(.unsupported, input: path, reason: "CycloneDX and CSAF VEX are not supported; give an OpenVEX document")
        }
        guard let context = document["@context"] as? String, context.hasPrefix("https://openvex.dev/ns") else {
            throw KensaError(.malformed, input: path, reason: "not an OpenVEX document (@context is not https://openvex.dev/ns…)")
        }
        let documentTime = try time(document["last_updated"] ?? document["timestamp"], "document timestamp", path)
        guard let items = document["statements"] as? [Any] else {
            throw KensaError(.malformed, input: path, reason: "no statements array")
        }
        var statements: [Statement] = []
        for (i, item) in items.enumerated() {
            statements.append(try statement(item, number: i + 1, documentTime: documentTime, path: path))
        }
        return OpenVEX(path: path, statements: statements)
    }

    private static func statement(_ item: Any, number: Int, documentTime: Date?, path: String) throws(KensaError) -> Statement {
        func fail(_ reason: String) -> KensaError { KensaError(.malformed, input: path, reason: "statement \(number): \(reason)") }
        guard let fields = item as? [String: Any] else { throw fail("not an object") }

        var names: [String] = []
        switch fields["vulnerability"] {
        case let name as String where !name.isEmpty:
            names = [name]
        case let vulnerability as [String: Any]:
            for key in ["name", "@id"] { if let s = vulnerability[key] as? String, !s.isEmpty { names.append(s) } }
            if let aliases = vulnerability["aliases"] {
                guard let list = aliases as? [Any], list.allSatisfy({ $0 is String }) else { throw fail("vulnerability aliases must be strings") }
                names += list.compactMap { $0 as? String }.filter { !$0.isEmpty }
            }
        default:
            break
        }
        guard !names.isEmpty else { throw fail("no vulnerability name") }

        guard let statusText = fields["status"] as? String else { throw fail("no status") }
        guard let status = Status(rawValue: statusText) else {
            throw fail("unknown status '\(statusText)' (known: \(Status.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let justification = fields["justification"] as? String
        if let justification, !justifications.contains(justification) {
            throw fail("unknown justification '\(justification)' (known: \(justifications.sorted().joined(separator: ", ")))")
        }
        let impact = (fields["impact_statement"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        if status == .notAffected, justification == nil, impact == nil {
            throw fail("not_affected needs a justification or an impact_statement")
        }

        // The older layout kept subcomponents beside the products, for all of them.
        var shared: [PURL] = []
        if let subs = fields["subcomponents"] {
            guard let subs = subs as? [Any] else { throw fail("subcomponents must be an array") }
            for sub in subs { shared += try identifiers(sub, number, path) }
        }
        var products: [Product] = []
        if let list = fields["products"] {
            guard let list = list as? [Any] else { throw fail("products must be an array") }
            for item in list {
                var product = Product(purls: try identifiers(item, number, path), subcomponents: shared)
                if let fields = item as? [String: Any], let subs = fields["subcomponents"] {
                    guard let subs = subs as? [Any] else { throw fail("subcomponents must be an array") }
                    for sub in subs { product.subcomponents += try identifiers(sub, number, path) }
                }
                products.append(product)
            }
        } else if !shared.isEmpty {
            products.append(Product(purls: [], subcomponents: shared))
        }
        let time = try time(fields["last_updated"] ?? fields["timestamp"], "statement \(number) timestamp", path) ?? documentTime
        return Statement(vulnerability: names, products: products, status: status,
                         justification: justification, impactStatement: impact,
                         statusNotes: (fields["status_notes"] as? String).flatMap { $0.isEmpty ? nil : $0 }, timestamp: time)
    }

    /// The package URLs a product or subcomponent is known by: its `@id` and `identifiers.purl`
    /// (or the string itself, in the older layout). Other identifiers (CPEs, image names) are skipped.
    private static func identifiers(_ component: Any, _ number: Int, _ path: String) throws(KensaError) -> [PURL] {
        if let text = component as? String { return PURL(parsing: text).map { [$0] } ?? [] }
        guard let fields = component as? [String: Any] else {
            throw KensaError(.malformed, input: path, reason: "statement \(number): a product must be an object or a string")
        }
        var out: [PURL] = []
        if let id = fields["@id"] as? String, let purl = PURL(parsing: id) { out.append(purl) }
        if let ids = fields["identifiers"] as? [String: Any], let text = ids["purl"] as? String, let purl = PURL(parsing: text) {
            out.append(purl)
        }
        return out
    }

    private static func time(_ value: Any?, _ what: String, _ path: String) throws(KensaError) -> Date? {
        guard let value else { return nil }
        guard let text = value as? String, let date = RFC3339.date(text) else {
            throw KensaError(.malformed, input: path, reason: "\(what) is not an RFC 3339 date-time")
        }
        return date
    }

    /// Suppresses the vulnerability findings whose newest matching statement, across all
    /// `documents`, says `not_affected` or `fixed`. A statement matches a finding when one of its
    /// vulnerability names is the finding's ID or an alias and it is about the finding's package
    /// (see the top of this file). `imageDigests` are the scanned image's manifest and config
    /// digests (`sha256:…`), empty for other targets.
    public static func apply(_ documents: [OpenVEX], to findings: inout [Finding], imageDigests: Set<String> = []) {
        struct Candidate {
            var statement: Statement
            var path: String
            var order: Int
        }
        var byName: [String: [Candidate]] = [:]
        var order = 0
        for document in documents {
            for statement in document.statements {
                order += 1
                for name in Set(statement.vulnerability.map { $0.uppercased() }) {
                    byName[name, default: []].append(Candidate(statement: statement, path: document.path, order: order))
                }
            }
        }
        guard !byName.isEmpty else { return }
        for i in findings.indices where findings[i].suppression == nil {
            guard let purl = findings[i].vulnerability?.purl else { continue }
            var seen: Set<Int> = []
            var newest: Candidate?
            for name in findings[i].names.sorted() {
                for candidate in byName[name] ?? [] where seen.insert(candidate.order).inserted {
                    let s = candidate.statement
                    guard s.products.contains(where: { $0.isAbout(purl, imageDigests: imageDigests) }) else { continue }
                    if let current = newest {
                        let a = (current.statement.timestamp ?? .distantPast, current.order)
                        let b = (s.timestamp ?? .distantPast, candidate.order)
                        if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) { continue }
                    }
                    newest = candidate
                }
            }
            guard let decided = newest, decided.statement.status.suppresses else { continue }
            findings[i].suppression = Finding.Suppression(source: "vex", reason: reason(decided.statement, path: decided.path))
        }
    }

    static func reason(_ s: Statement, path: String) -> String {
        let why = [s.justification, s.impactStatement, s.statusNotes].compactMap { $0 }
        return s.status.rawValue + (why.isEmpty ? "" : ": " + why.joined(separator: "; ")) + " (\(path))"
    }
}

extension OpenVEX.Product {
    func isAbout(_ package: PURL, imageDigests: Set<String>) -> Bool {
        if purls.contains(where: { $0.covers(package) }) || subcomponents.contains(where: { $0.covers(package) }) { return true }
        return subcomponents.isEmpty && purls.contains { $0.type == "oci" && $0.version.map(imageDigests.contains) == true }
    }
}

/// RFC 3339 date-times as OpenVEX writes them, fractional seconds of any length included
/// (Go tools write nanoseconds, which ISO8601DateFormatter does not read).
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        var text = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            fraction = Double("0." + digits) ?? 0
            text.removeSubrange(dot..<text.index(dot, offsetBy: digits.count + 1))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { $0.addingTimeInterval(fraction) }
    }
}
