// The parsed form of a Falco condition, before macros and lists are expanded and fields bound.

public enum CompareOperator: String, Sendable, CaseIterable {
    case eq = "="
    case ne = "!="
    case lt = "<"
    case le = "<="
    case gt = ">"
    case ge = ">="
    case contains
    case icontains
    case bcontains
    case startswith
    case bstartswith
    case endswith
    case glob
    case iglob
    case pmatch
    case `in`
    case intersects
    case regex

    /// Operators whose right side is a parenthesised list.
    var takesList: Bool { self == .in || self == .intersects || self == .pmatch }
}

/// A field reference, `name[arg]`, possibly wrapped in transformers such as `tolower(...)`.
public struct FieldRef: Sendable, Equatable {
    public var name: String
    public var arg: String?
    public var transformers: [String]

    public var display: String {
        var s = name
        if let arg { s += "[\(arg)]" }
        for t in transformers.reversed() { s = "\(t)(\(s))" }
        return s
    }
}

public enum Operand: Sendable, Equatable {
    case value(String)
    /// A list item: `quoted` items are literal; bare items may name a list to expand.
    case list([ListItem])
    case field(FieldRef)
}

public struct ListItem: Sendable, Equatable {
    public var text: String
    public var quoted: Bool
}

public indirect enum ConditionNode: Sendable, Equatable {
    case and([ConditionNode])
    case or([ConditionNode])
    case not(ConditionNode)
    case macro(String, offset: Int)
    case exists(FieldRef, offset: Int)
    case compare(FieldRef, CompareOperator, Operand, offset: Int)
}
