// What a field extractor returns for one event. Falco distinguishes a field that could not be
// extracted (every comparison on it is false) from an empty or present value.

public enum FieldValue: Sendable, Equatable {
    case missing
    case one(String)
    case many([String])

    /// How Falco's output formatter renders the value.
    public var rendered: String {
        switch self {
        case .missing: return "<NA>"
        case .one(let s): return s
        case .many(let items): return "(" + items.joined(separator: ",") + ")"
        }
    }

    public var jsonValue: JSONValue {
        switch self {
        case .missing: return .null
        case .one(let s): return .string(s)
        case .many(let items): return .array(items.map { .string($0) })
        }
    }
}

public enum FieldType: Sendable {
    case string
    case number
}

/// A field bound to its extractor for one kind of event.
public struct BoundField<Event>: Sendable {
    public var name: String
    public var type: FieldType
    public var extract: @Sendable (Event) -> FieldValue
}

/// The fields one event source offers; `bind` returns nil for a field it does not know.
public struct FieldTable<Event>: Sendable {
    public var source: String
    public var bind: @Sendable (FieldRef) -> BoundField<Event>?
}
