// A rule's `output:` string split once into literal text and `%field` references.

struct OutputFormat<Event>: Sendable {
    enum Part: Sendable {
        case text(String)
        case field(String, @Sendable (Event) -> FieldValue)
    }

    let parts: [Part]
    /// Field names in the order they first appear, for `output_fields`.
    let fieldNames: [String]

    /// Splits the format; `bind` returns nil for an unsupported field (recorded in `unsupported`).
    static func parse(_ format: String, bind: (FieldRef) -> BoundField<Event>?) -> (OutputFormat, unsupported: [String]) {
        var parts: [Part] = []
        var names: [String] = []
        var unsupported: [String] = []
        var literal = ""
        let chars = Array(format.unicodeScalars)
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "."
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "%", i + 1 < chars.count, isNameChar(chars[i + 1]) || chars[i + 1] == "(" else {
                literal.unicodeScalars.append(c)
                i += 1
                continue
            }
            var j = i + 1
            var parenthesised = false
            if chars[j] == "(" { parenthesised = true; j += 1 }
            var name = ""
            while j < chars.count, isNameChar(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
            var arg: String?
            if j < chars.count, chars[j] == "[" {
                var k = j + 1
                var a = ""
                while k < chars.count, chars[k] != "]" { a.unicodeScalars.append(chars[k]); k += 1 }
                if k < chars.count { arg = a; j = k + 1 }
            }
            if parenthesised {
                if j < chars.count, chars[j] == ")" { j += 1 }
            }
            // A sentence-ending dot is not part of the field name.
            var trailing = ""
            while name.hasSuffix("."), arg == nil { name.removeLast(); trailing += "." }
            if name.isEmpty || !name.contains(".") {
                literal.unicodeScalars.append(c)
                i += 1
                continue
            }
            if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
            let ref = FieldRef(name: name, arg: arg, transformers: [])
            let display = ref.display
            if let field = bind(ref) {
                parts.append(.field(display, field.extract))
            } else {
                if !unsupported.contains(display) { unsupported.append(display) }
                parts.append(.field(display, { _ in .missing }))
            }
            if !names.contains(display) { names.append(display) }
            literal = trailing
            i = j
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return (OutputFormat(parts: parts, fieldNames: names), unsupported)
    }

    func render(_ event: Event) -> (text: String, fields: [(String, FieldValue)]) {
        var out = ""
        var fields: [(String, FieldValue)] = []
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .field(let name, let extract):
                let v = extract(event)
                out += v.rendered
                if !fields.contains(where: { $0.0 == name }) { fields.append((name, v)) }
            }
        }
        return (out, fields)
    }
}
