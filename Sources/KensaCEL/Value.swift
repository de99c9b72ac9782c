import Foundation

// CEL runtime values (cel-spec langdef "Values"). One enum keeps evaluation allocation-light:
// scalars are stored inline, maps are an immutable class so a copy is one retain.

/// A CEL value, or an error / unknown produced while evaluating.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    case map(CELMap)
    case type(CELType)
    case timestamp(CELTimestamp)
    case duration(CELDuration)
    indirect case optional(CELValue?)
    /// A library type without literal syntax (Kubernetes URL, IP, CIDR, quantity, semver).
    case object(CELObject)
    case error(CELError)
    case unknown(CELUnknown)

    public var isError: Bool { if case .error = self { return true } else { return false } }

    /// The CEL type of the value (for `type(x)`).
    public var celType: CELType {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        case .list: return .list
        case .map: return .map
        case .type: return .type
        case .timestamp: return .timestamp
        case .duration: return .duration
        case .optional: return .optional
        case .error: return CELType(name: "*error*")
        case .object(let o): return o.type
        case .unknown: return CELType(name: "*unknown*")
        }
    }
}

/// A CEL type value: types are compared by their fully qualified name.
public struct CELType: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String { name }

    public static let null = CELType(name: "null_type")
    public static let bool = CELType(name: "bool")
    public static let int = CELType(name: "int")
    public static let uint = CELType(name: "uint")
    public static let double = CELType(name: "double")
    public static let string = CELType(name: "string")
    public static let bytes = CELType(name: "bytes")
    public static let list = CELType(name: "list")
    public static let map = CELType(name: "map")
    public static let type = CELType(name: "type")
    public static let timestamp = CELType(name: "google.protobuf.Timestamp")
    public static let duration = CELType(name: "google.protobuf.Duration")
    public static let optional = CELType(name: "optional_type")
    public static let dyn = CELType(name: "dyn")
}

/// Unknown expression ids (partial evaluation). Merged by `&&`, `||` and strict calls.
public struct CELUnknown: Sendable, Hashable {
    public var ids: [Int64]
    public init(ids: [Int64]) { self.ids = ids }
    func merged(_ other: CELUnknown) -> CELUnknown {
        var all = ids
        for i in other.ids where !all.contains(i) { all.append(i) }
        return CELUnknown(ids: all.sorted())
    }
}

/// Normalised map key: numeric keys that are equal in CEL (1, 1u, 1.0) hash alike.
enum MapKey: Hashable, Sendable {
    case int(Int64)
    case bigUint(UInt64)
    case bool(Bool)
    case string(String)

    /// The key for a value used to *build* a map (doubles and others are not keys).
    init?(key v: CELValue) {
        switch v {
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .bigUint(u)
        case .bool(let b): self = .bool(b)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    /// The key for a value used to *look up* (an integral double finds an int key).
    init?(lookup v: CELValue) {
        if case .double(let d) = v {
            if d.isNaN || d.rounded(.towardZero) != d { return nil }
            if d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 { self = .int(Int64(d)); return }
            if d >= 0 && d < 1.8446744073709551616e19 { self = .bigUint(UInt64(d)); return }
            return nil
        }
        self.init(key: v)
    }
}

/// An immutable CEL map that keeps insertion order (deterministic iteration).
public final class CELMap: Sendable {
    public let keys: [CELValue]
    public let values: [CELValue]
    let index: [MapKey: Int]

    public var count: Int { keys.count }

    /// Builds a map; fails on an unsupported or repeated key.
    public static func make(_ pairs: [(CELValue, CELValue)]) -> Result<CELMap, CELError> {
        var keys: [CELValue] = []
        var values: [CELValue] = []
        var index: [MapKey: Int] = [:]
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        index.reserveCapacity(pairs.count)
        for (k, v) in pairs {
            guard let mk = MapKey(key: k) else { return .failure(CELError(.unsupportedKeyType, "unsupported key type")) }
            if index[mk] != nil { return .failure(CELError(.repeatedKey, "Failed with repeated key")) }
            index[mk] = keys.count
            keys.append(k)
            values.append(v)
        }
        return .success(CELMap(keys: keys, values: values, index: index))
    }

    /// A map with string keys (for activations built from JSON/YAML documents).
    public convenience init(strings: [(String, CELValue)]) {
        var keys: [CELValue] = []
        var values: [CELValue] = []
        var index: [MapKey: Int] = [:]
        for (k, v) in strings {
            if let existing = index[.string(k)] { values[existing] = v; continue }
            index[.string(k)] = keys.count
            keys.append(.string(k))
            values.append(v)
        }
        self.init(keys: keys, values: values, index: index)
    }

    init(keys: [CELValue], values: [CELValue], index: [MapKey: Int]) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    public static let empty = CELMap(keys: [], values: [], index: [:])

    public subscript(key: String) -> CELValue? {
        guard let i = index[.string(key)] else { return nil }
        return values[i]
    }

    func lookup(_ key: CELValue) -> CELValue? {
        guard let mk = MapKey(lookup: key), let i = index[mk] else { return nil }
        return values[i]
    }

    func lookup(string key: String) -> CELValue? {
        // Objects from manifests have few keys per level: a scan with the cheap comparison of
        // small strings beats hashing the key.
        if keys.count <= 8 {
            for i in 0..<keys.count {
                if case .string(let k) = keys[i], k == key { return values[i] }
            }
            return nil
        }
        guard let i = index[.string(key)] else { return nil }
        return values[i]
    }
}

/// A point in time: seconds since the Unix epoch plus nanoseconds, in 0001-01-01…9999-12-31 UTC.
public struct CELTimestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32
    public init(seconds: Int64, nanos: Int32) { self.seconds = seconds; self.nanos = nanos }
    public static func < (a: CELTimestamp, b: CELTimestamp) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos
    }
    static let minSeconds: Int64 = -62_135_596_800 // 0001-01-01T00:00:00Z
    static let maxSeconds: Int64 = 253_402_300_799 // 9999-12-31T23:59:59Z
    var isValid: Bool { seconds >= Self.minSeconds && seconds <= Self.maxSeconds && nanos >= 0 && nanos < 1_000_000_000 }
}

/// A signed span of time, stored as total nanoseconds (the Go/cel-go range, about ±292 years).
public struct CELDuration: Sendable, Hashable, Comparable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func < (a: CELDuration, b: CELDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    var seconds: Int64 { nanoseconds / 1_000_000_000 }
    var subNanos: Int64 { nanoseconds % 1_000_000_000 }
}

// MARK: - Conversions from host values

extension CELValue {
    /// Converts a JSON-like host value (as produced by JSONSerialization or a YAML loader:
    /// dictionaries, arrays, strings, numbers, booleans, NSNull-like nil) into a CEL value.
    public static func fromJSONLike(_ any: Any?) -> CELValue {
        // Foundation's JSON numbers are NSNumber objects, and one holding 1 also casts to
        // Bool: the boolean class and the stored C type decide instead.
        if let x = any, Swift.type(of: x) is NSNumber.Type, let n = x as? NSNumber {
            if String(describing: Swift.type(of: n)).contains("Boolean") { return .bool(n.boolValue) }
            switch String(cString: n.objCType) {
            case "d", "f": return .double(n.doubleValue)
            case "Q", "L", "I", "S", "C":
                return n.uint64Value > UInt64(Int64.max) ? .uint(n.uint64Value) : .int(n.int64Value)
            default: return .int(n.int64Value)
            }
        }
        switch any {
        case nil: return .null
        case let v as CELValue: return v
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(Int64(i))
        case let i as Int64: return .int(i)
        case let i as Int32: return .int(Int64(i))
        case let u as UInt64: return .uint(u)
        case let u as UInt: return .uint(UInt64(u))
        case let d as Double: return .double(d)
        case let f as Float: return .double(Double(f))
        case let s as String: return .string(s)
        case let s as Substring: return .string(String(s))
        case let a as [Any?]: return .list(a.map { fromJSONLike($0) })
        case let a as [Any]: return .list(a.map { fromJSONLike($0) })
        case let m as [String: Any?]:
            return .map(CELMap(strings: m.keys.sorted().map { ($0, fromJSONLike(m[$0] ?? nil)) }))
        case let m as [String: Any]:
            return .map(CELMap(strings: m.keys.sorted().map { ($0, fromJSONLike(m[$0])) }))
        default: return .null
        }
    }
}
