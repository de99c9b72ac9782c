import Foundation
import KensaCore

/// Installed gems: `specifications/<name>-<version>.gemspec`, the Ruby files RubyGems writes
/// at install time (`s.name = "rake".freeze`, `s.version = "13.0.6"`, `s.licenses = [...]`).
/// They are read as text, never evaluated: only the literal assignments RubyGems generates
/// are understood, which is what installed specifications contain.
struct RubyGemspecAnalyzer: Analyzer {
    let name = "gemspec"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        path.hasSuffix(".gemspec") && PathText.base(String(PathText.parent(path))) == "specifications"
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.metadata)
        var gemName: String?
        var gemVersion: String?
        var licenses: [String] = []
        var stub: (name: String, version: String)?
        for rawLine in file.text.lines {
            let line = String(rawLine.trimmingBlanks())
            if line.hasPrefix("# stub: ") {
                // `# stub: rake 13.0.6 ruby lib`
                let words = line.dropFirst("# stub: ".count).split(separator: " ")
                if words.count >= 2 { stub = (String(words[0]), String(words[1])) }
                continue
            }
            guard let (attribute, value) = Self.assignment(line) else { continue }
            switch attribute {
            case "name": gemName = gemName ?? Self.literals(value).first
            case "version": gemVersion = gemVersion ?? Self.literals(value).first
            case "license": licenses += Self.literals(value).prefix(1)
            case "licenses": licenses += Self.literals(value)
            default: break
            }
        }
        guard let gemName = gemName ?? stub?.name, let gemVersion = gemVersion ?? stub?.version,
              !gemName.isEmpty, !gemVersion.isEmpty else {
            throw KensaError(.malformed, input: file.path, reason: "gemspec without a literal name and version")
        }
        return AnalyzerOutput(packages: [Package(name: gemName, version: gemVersion, ecosystem: .gem,
                                                 purl: PURL(ecosystem: .gem, name: gemName, version: gemVersion),
                                                 foundBy: name, licenses: licenses, location: .init(path: file.path))])
    }

    /// `s.name = "rake".freeze` → (`name`, `"rake".freeze`); `spec.version = ...` likewise.
    static func assignment(_ line: String) -> (String, Substring)? {
        guard let eq = line.range(of: " = ") else { return nil }
        let lhs = line[..<eq.lowerBound]
        guard let dot = lhs.lastIndex(of: "."), !lhs[..<dot].contains(" ") else { return nil }
        return (String(lhs[lhs.index(after: dot)...]), line[eq.upperBound...])
    }

    /// The string literals of a Ruby expression: `"x"`, `'x'`, `%q{x}`, inside arrays and
    /// `Gem::Version.new("1.2")` alike.
    static func literals(_ expression: Substring) -> [String] {
        var out: [String] = []
        var index = expression.startIndex
        while index < expression.endIndex {
            let ch = expression[index]
            if ch == "\"" || ch == "'" {
                let start = expression.index(after: index)
                guard let end = expression[start...].firstIndex(of: ch) else { break }
                out.append(String(expression[start..<end]))
                index = expression.index(after: end)
            } else if expression[index...].hasPrefix("%q{") || expression[index...].hasPrefix("%Q{") {
                let start = expression.index(index, offsetBy: 3)
                guard let end = expression[start...].firstIndex(of: "}") else { break }
                out.append(String(expression[start..<end]))
                index = expression.index(after: end)
            } else {
                index = expression.index(after: index)
            }
        }
        return out
    }
}
