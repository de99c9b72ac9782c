import Foundation
import KensaCore
import TOMLKit
import Yams

/// JSON, YAML and TOML lock files as plain trees (`[String: Any]`, `[Any]`, `String`,
/// numbers, `Bool`), so each analyzer reads its format with the same few accessors. Every
/// entry point checks the size and the nesting depth before a recursive parser runs, and
/// YAML anchors and aliases are refused (no lock-file writer emits them; they are how an
/// alias bomb multiplies a small file into an enormous tree).
enum StructuredText {
    static func json(_ input: AnalyzerInput) throws -> [String: Any] {
        try Lockfile.checkSize(input)
        try checkJSONDepth(input)
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: input.content, options: [])
        } catch {
            throw Lockfile.malformed(input, "not valid JSON (truncated or corrupt)")
        }
        guard let object = value as? [String: Any] else {
            throw Lockfile.malformed(input, "the top level is not a JSON object")
        }
        return object
    }

    static func yaml(_ input: AnalyzerInput) throws -> [String: Any] {
        try Lockfile.checkSize(input)
        try YAMLPrescan.check(input)
        let node: Node?
        do {
            // The basic resolver: every scalar stays a string (versions such as `1.10` must not
            // become numbers), and no regular expression runs per scalar.
            node = try Yams.compose(yaml: input.text, .basic)
        } catch let error as YamlError {
            throw Lockfile.malformed(input, "not valid YAML (\(describe(error)))")
        } catch {
            throw Lockfile.malformed(input, "not valid YAML")
        }
        guard let node else { return [:] }
        // Every node of an alias-free document takes at least one byte of text, so more
        // nodes than bytes means aliases slipped past the prescan.
        var budget = input.content.count + 1024
        guard let object = try plain(node, depth: 0, budget: &budget, input: input) as? [String: Any] else {
            throw Lockfile.malformed(input, "the top level is not a YAML mapping")
        }
        return object
    }

    static func toml(_ input: AnalyzerInput) throws -> [String: Any] {
        try Lockfile.checkSize(input)
        try checkTOMLElements(input)
        let table: TOMLTable
        do {
            // toml++ itself refuses nesting deeper than 256 levels.
            table = try TOMLTable(string: input.text)
        } catch let error as TOMLParseError {
            throw Lockfile.malformed(input, "not valid TOML (\(error.description), line \(error.source.begin.line))")
        } catch {
            throw Lockfile.malformed(input, "not valid TOML")
        }
        return plain(table)
    }

    // MARK: - JSON

    private static func checkJSONDepth(_ input: AnalyzerInput) throws {
        try input.content.withUnsafeBytes { bytes in
            var depth = 0
            var elements = 0
            var inString = false
            var escaped = false
            for byte in bytes {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: ","):
                    elements += 1
                    if elements > Lockfile.maxElements { throw Lockfile.tooMany(input, "JSON values", limit: Lockfile.maxElements) }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    elements += 1
                    if elements > Lockfile.maxElements { throw Lockfile.tooMany(input, "JSON values", limit: Lockfile.maxElements) }
                    if depth > Lockfile.maxDepth {
                        throw KensaError(.limitExceeded, input: input.path,
                                         reason: "JSON nested more than \(Lockfile.maxDepth) levels deep")
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                default: break
                }
            }
        }
    }

    /// Lines and commas bound the number of TOML values from above (commas inside strings
    /// over-count, which only matters far beyond any real lock file).
    private static func checkTOMLElements(_ input: AnalyzerInput) throws {
        let elements = Lockfile.count(UInt8(ascii: "\n"), in: input.content) + Lockfile.count(UInt8(ascii: ","), in: input.content)
        if elements > Lockfile.maxElements { throw Lockfile.tooMany(input, "TOML values", limit: Lockfile.maxElements) }
    }

    // MARK: - YAML

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(problem) at line \(mark.line)"
        case let .reader(problem, _, _, _):
            return problem
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicate keys " + duplicates.sorted().prefix(3).joined(separator: ", ")
        default:
            return "unreadable"
        }
    }

    private static func plain(_ node: Node, depth: Int, budget: inout Int, input: AnalyzerInput) throws -> Any {
        if depth > Lockfile.maxDepth {
            throw KensaError(.limitExceeded, input: input.path, reason: "YAML nested more than \(Lockfile.maxDepth) levels deep")
        }
        budget -= 1
        if budget < 0 {
            throw KensaError(.limitExceeded, input: input.path, reason: "YAML expands to more nodes than its size allows (alias bomb)")
        }
        switch node {
        case let .scalar(scalar):
            return scalar.string
        case let .mapping(mapping):
            var object: [String: Any] = [:]
            object.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key else { continue }
                object[keyScalar.string] = try plain(value, depth: depth + 1, budget: &budget, input: input)
            }
            return object
        case let .sequence(sequence):
            var array: [Any] = []
            array.reserveCapacity(sequence.count)
            for element in sequence {
                array.append(try plain(element, depth: depth + 1, budget: &budget, input: input))
            }
            return array
        case .alias:
            throw KensaError(.hostile, input: input.path, reason: "YAML aliases are not allowed in lock files")
        }
    }

    // MARK: - TOML

    private static func plain(_ table: TOMLTable) -> [String: Any] {
        var object: [String: Any] = [:]
        for (key, value) in table {
            object[key] = plain(value)
        }
        return object
    }

    private static func plain(_ value: any TOMLValueConvertible) -> Any {
        if let string = value.string { return string }
        if let table = value.table { return plain(table) }
        if let array = value.array { return array.map { plain($0) } }
        if let bool = value.bool { return bool }
        if let int = value.int { return int }
        if let double = value.double { return double }
        return value.tomlValue.debugDescription
    }
}

/// Typed reads from the plain trees; absent or mistyped values read as nil.
extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? {
        switch self[key] {
        case let string as String: return string
        case let int as Int: return String(int)
        default: return nil
        }
    }

    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [Any]? { self[key] as? [Any] }

    /// JSON/TOML booleans, or YAML's `true` scalar.
    func flag(_ key: String) -> Bool {
        switch self[key] {
        case let bool as Bool: return bool
        case let string as String: return string == "true"
        default: return false
        }
    }
}
