// One alert, laid out as Falco's JSON output (`json_output: true`): hostname, output,
// output_fields, priority, rule, source, tags, time; kensa adds `observer` for process events.

public struct Alert: Sendable {
    public var time: Int64
    public var rule: String
    public var priority: Priority
    /// The rule's output with fields substituted (without Falco's time/priority prefix).
    public var message: String
    public var outputFields: [(String, FieldValue)]
    public var source: String
    public var tags: [String]
    public var hostname: String
    public var observer: String?

    init<E>(rule: CompiledRule<E>, event: E, time: Int64, hostname: String, observer: String?) {
        let (text, fields) = rule.output.render(event)
        self.time = time
        self.rule = rule.name
        self.priority = rule.priority
        self.message = text
        self.outputFields = fields
        self.source = rule.source
        self.tags = rule.tags
        self.hostname = hostname
        self.observer = observer
    }

    /// Falco's `output`: `HH:MM:SS.nnnnnnnnn: Priority message`.
    public var output: String { "\(Timestamp.clock(time)): \(priority.name) \(message)" }

    public var jsonObject: JSONValue {
        var fields = outputFields.map { JSONMember($0.0, $0.1.jsonValue) }
        fields.sort { $0.key < $1.key }
        var members = [
            JSONMember("hostname", .string(hostname)),
        ]
        if let observer { members.append(JSONMember("observer", .string(observer))) }
        members += [
            JSONMember("output", .string(output)),
            JSONMember("output_fields", .object(fields)),
            JSONMember("priority", .string(priority.name)),
            JSONMember("rule", .string(rule)),
            JSONMember("source", .string(source)),
            JSONMember("tags", .array(tags.sorted().map { .string($0) })),
            JSONMember("time", .string(Timestamp.iso8601(time))),
        ]
        return .object(members)
    }

    /// One JSON line (no trailing newline).
    public var jsonLine: String { jsonObject.compactJSON }
}
