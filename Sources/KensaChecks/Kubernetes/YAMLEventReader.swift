// The common case of KubeReader without the Yams node tree: libyaml's events go straight into
// values and field lines. Building the tree, hashing it for duplicate keys and copying it into
// values was a third of a corpus scan. Anything only the full composer handles (anchors,
// aliases, explicit tags, non-scalar or duplicate keys, syntax errors, the node and depth
// limits) makes this give up, and KubeReader reads the file the full way, so results and error
// messages stay the composer's.

import CYaml
import KensaCEL

enum YAMLEventReader {
    struct Document {
        var value: CELValue
        /// 1-based line of the document's root node.
        var line: Int
        var lines: [String: Int]
    }

    /// The documents of `text`, or nil when the full composer must read it.
    static func documents(_ text: String, maxNodes: Int, maxDepth: Int) -> [Document]? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> [Document]? in
            guard let base = buffer.baseAddress else { return nil }
            guard let stream = EventStream(base, count: buffer.count - 1) else { return nil }
            var reader = Reader(stream: stream, budget: maxNodes, maxDepth: maxDepth)
            return reader.readAll()
        }
    }

    /// One libyaml parser over a buffer that outlives it.
    private final class EventStream {
        private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        private let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        private var holdsEvent = false
        private var initialized = false

        init?(_ input: UnsafePointer<UInt8>, count: Int) {
            // deinit frees the buffers; `initialized` says whether libyaml state needs deleting.
            guard yaml_parser_initialize(parser) == 1 else { return nil }
            initialized = true
            yaml_parser_set_input_string(parser, input, count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        }

        deinit {
            if holdsEvent { yaml_event_delete(event) }
            if initialized { yaml_parser_delete(parser) }
            parser.deallocate()
            event.deallocate()
        }

        /// The next event (valid until the next call), or nil on a syntax error.
        func next() -> UnsafeMutablePointer<yaml_event_t>? {
            if holdsEvent { yaml_event_delete(event); holdsEvent = false }
            guard yaml_parser_parse(parser, event) == 1 else { return nil }
            holdsEvent = true
            return event
        }
    }

    private struct Reader {
        let stream: EventStream
        var budget: Int
        let maxDepth: Int

        mutating func readAll() -> [Document]? {
            var documents: [Document] = []
            while let event = stream.next() {
                switch event.pointee.type {
                case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
                    continue
                case YAML_STREAM_END_EVENT:
                    return documents
                case YAML_DOCUMENT_START_EVENT:
                    guard let root = stream.next() else { return nil }
                    let line = Int(root.pointee.start_mark.line) + 1
                    var lines: [String: Int] = [:]
                    guard let value = node(root, fieldPath: "", depth: 0, lines: &lines) else { return nil }
                    documents.append(Document(value: value, line: line, lines: lines))
                default:
                    return nil
                }
            }
            return nil
        }

        /// The value starting at `event` (consumed, with its children); nil to give up.
        mutating func node(_ event: UnsafeMutablePointer<yaml_event_t>, fieldPath: String, depth: Int,
                           lines: inout [String: Int]) -> CELValue? {
            budget -= 1
            guard budget >= 0, depth <= maxDepth else { return nil }
            switch event.pointee.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.pointee.data.scalar
                guard scalar.anchor == nil, scalar.tag == nil, let bytes = scalar.value else { return nil }
                let s = String(decoding: UnsafeBufferPointer(start: bytes, count: scalar.length), as: UTF8.self)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
                return plain ? KubeReader.plainScalar(s) : .string(s)
            case YAML_SEQUENCE_START_EVENT:
                let start = event.pointee.data.sequence_start
                guard start.anchor == nil, start.tag == nil else { return nil }
                var items: [CELValue] = []
                while true {
                    guard let item = stream.next() else { return nil }
                    if item.pointee.type == YAML_SEQUENCE_END_EVENT { return .list(items) }
                    let p = fieldPath + "[" + String(items.count) + "]"
                    lines[p] = Int(item.pointee.start_mark.line) + 1
                    guard let value = node(item, fieldPath: p, depth: depth + 1, lines: &lines) else { return nil }
                    items.append(value)
                }
            case YAML_MAPPING_START_EVENT:
                let start = event.pointee.data.mapping_start
                guard start.anchor == nil, start.tag == nil else { return nil }
                var pairs: [(String, CELValue)] = []
                var seen = Set<String>()
                while true {
                    guard let keyEvent = stream.next() else { return nil }
                    if keyEvent.pointee.type == YAML_MAPPING_END_EVENT { return .map(CELMap(strings: pairs)) }
                    guard keyEvent.pointee.type == YAML_SCALAR_EVENT else { return nil }
                    let scalar = keyEvent.pointee.data.scalar
                    guard scalar.anchor == nil, scalar.tag == nil, let bytes = scalar.value else { return nil }
                    let key = String(decoding: UnsafeBufferPointer(start: bytes, count: scalar.length), as: UTF8.self)
                    // The composer rejects duplicate keys with its own message: let it.
                    guard seen.insert(key).inserted else { return nil }
                    let p = fieldPath.isEmpty ? key : fieldPath + "." + key
                    lines[p] = Int(keyEvent.pointee.start_mark.line) + 1
                    guard let valueEvent = stream.next(),
                          let value = node(valueEvent, fieldPath: p, depth: depth + 1, lines: &lines) else { return nil }
                    pairs.append((key, value))
                }
            default:
                // Aliases, or anything unexpected.
                return nil
            }
        }
    }
}
