/// A version string that its scheme rejects. It names the scheme, the string and the reason, so a
/// caller can print one line that says exactly what was wrong.
public struct VersionError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var scheme: VersionScheme
    public var input: String
    public var reason: String

    public init(scheme: VersionScheme, input: String, reason: String) {
        self.scheme = scheme
        self.input = input
        self.reason = reason
    }

    public var description: String {
        "invalid \(scheme.rawValue) version \(VersionError.quoted(input)): \(reason)"
    }

    /// Quotes the input for messages; very long or control-character inputs are shortened and
    /// escaped so one bad line never floods a terminal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        var count = 0
        for scalar in s.unicodeScalars {
            if count == 80 { out += "…"; break }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Inputs longer than this are rejected by every scheme: no real version is this long, and the
/// bound keeps parsing and comparison cost (and Maven's nesting) bounded on hostile input.
let maximumVersionLength = 4096

@inline(__always)
func checkLength(_ s: String, _ scheme: VersionScheme) throws(VersionError) {
    if s.utf8.count > maximumVersionLength {
        throw VersionError(scheme: scheme, input: s, reason: "longer than \(maximumVersionLength) bytes")
    }
    if s.isEmpty {
        throw VersionError(scheme: scheme, input: s, reason: "empty version")
    }
}
