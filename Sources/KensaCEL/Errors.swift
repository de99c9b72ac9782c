// Errors. An evaluation error is a *value* (CEL's `&&`/`||` may absorb it); parse, compile
// and limit errors are thrown, because nothing inside the expression may swallow them.

/// An error value produced during evaluation (division by zero, no such key, …).
public final class CELError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case noMatchingOverload = "no_matching_overload"
        case divideByZero = "divide_by_zero"
        case overflow = "overflow"
        case outOfRange = "out_of_range"
        case invalidArgument = "invalid_argument"
        case noSuchKey = "no_such_key"
        case noSuchField = "no_such_field"
        case undeclaredReference = "undeclared_reference"
        case unboundFunction = "unbound_function"
        case unsupportedKeyType = "unsupported_key_type"
        case repeatedKey = "repeated_key"
        case conversion = "conversion"
        case limitExceeded = "limit_exceeded"
    }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }

    static let noOverload = CELError(.noMatchingOverload, "no such overload")
    static let divByZero = CELError(.divideByZero, "division by zero")
    static let modByZero = CELError(.divideByZero, "modulus by zero")
    static let intOverflow = CELError(.overflow, "integer overflow")
    static let uintOverflow = CELError(.overflow, "unsigned integer overflow")
}

/// A syntax error, with its 1-based line and column.
public struct CELSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public let column: Int
    public var description: String { "ERROR: <input>:\(line):\(column): \(message)" }
}

/// Errors thrown by compiling or evaluating a program.
public enum CELProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The expression text is longer than `CELLimits.maxExpressionLength` (bytes).
    case expressionTooLong(length: Int, limit: Int)
    /// The expression nests deeper than `CELLimits.maxNestingDepth`.
    case nestingTooDeep(limit: Int)
    /// A syntax error.
    case syntax(CELSyntaxError)
    /// A reference the declarations do not know (only when declarations are given).
    case undeclaredReference(String)
    /// A function no library provides.
    case unknownFunction(String)
    /// Checked mode: the expression can never evaluate (no overload for its argument types).
    case typeError(String)
    /// The evaluation used more than `CELLimits.costBudget` cost units.
    case costLimitExceeded(limit: UInt64)
    /// A value (string, bytes, list, map) grew larger than `CELLimits.maxValueSize`.
    case valueTooLarge(limit: Int)
    /// An activation input is larger than `CELLimits.maxInputSize` (elements, nested).
    case inputTooLarge(name: String, limit: Int)

    public var description: String {
        switch self {
        case .expressionTooLong(let n, let l): return "expression is \(n) bytes, more than the limit of \(l)"
        case .nestingTooDeep(let l): return "expression nests deeper than the limit of \(l)"
        case .syntax(let e): return e.description
        case .undeclaredReference(let n): return "undeclared reference to '\(n)'"
        case .unknownFunction(let n): return "undeclared function '\(n)'"
        case .typeError(let m): return m
        case .costLimitExceeded(let l): return "operation cancelled: actual cost limit exceeded (limit \(l))"
        case .valueTooLarge(let l): return "a value grew larger than the limit of \(l) elements or bytes"
        case .inputTooLarge(let n, let l): return "input '\(n)' is larger than the limit of \(l) elements"
        }
    }
}
