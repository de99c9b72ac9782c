/// The one error type users see: it names the input and says what is wrong with it, in one
/// line. The CLI prints `kensa: <input>: <reason>` and exits 2.
public struct KensaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The input could not be read (missing, permission, I/O).
        case unreadable
        /// The input was read but is not what it claims to be (bad format, truncated).
        case malformed
        /// The input exceeds a safety limit (size, depth, entry count, ratio).
        case limitExceeded
        /// The input is valid but uses something kensa does not support.
        case unsupported
        /// The input tries to escape where it belongs (path traversal, link escape).
        case hostile
        /// The command line is wrong.
        case usage
    }

    public var kind: Kind
    public var input: String
    public var reason: String

    public init(_ kind: Kind, input: String, reason: String) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    public var description: String { input.isEmpty ? reason : "\(input): \(reason)" }
}

/// A problem with one file inside a larger scan: reported, never fatal.
public struct ScanWarning: Sendable, Hashable, Codable, Comparable {
    public var path: String
    public var reason: String
    public var layer: String?

    public init(path: String, reason: String, layer: String? = nil) {
        self.path = path
        self.reason = reason
        self.layer = layer
    }

    public static func < (lhs: ScanWarning, rhs: ScanWarning) -> Bool {
        (lhs.path, lhs.layer ?? "", lhs.reason) < (rhs.path, rhs.layer ?? "", rhs.reason)
    }
}
