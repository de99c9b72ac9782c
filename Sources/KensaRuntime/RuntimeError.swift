// Errors of the runtime module. Each names the input (file, line, rule or event) and the reason,
// so the CLI can print one line and exit 2.

public struct RuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case ruleFile          // the YAML of a rule file is malformed or has wrong types
        case condition         // a condition does not parse
        case unknownMacro
        case unknownList
        case cyclicMacro
        case wrongType         // an operator or value does not fit the field's type
        case unsupportedField  // fatal only in strict mode
        case engineVersion
        case event             // a malformed event (counted, never fatal for a stream)
        case io
        case network
        case tls
    }

    public var kind: Kind
    /// The input: a file path, "file:line", a URL or an address.
    public var input: String
    /// The rule, macro or list the error is in, when there is one.
    public var item: String?
    public var reason: String

    public init(_ kind: Kind, input: String, item: String? = nil, reason: String) {
        self.kind = kind
        self.input = input
        self.item = item
        self.reason = reason
    }

    public var description: String {
        if let item { return "\(input): \(item): \(reason)" }
        return "\(input): \(reason)"
    }
}
