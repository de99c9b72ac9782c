import Foundation

// Loading rule files and compiling them once into per-source closures (see ConditionCompiler).

public struct SkippedRule: Sendable, Equatable {
    public var rule: String
    public var file: String
    public var line: Int
    public var reason: String
}

public struct RuleFileSummary: Sendable, Equatable {
    public var file: String
    /// Rules defined in the file (appends to rules of other files are not counted).
    public var defined: Int
    public var loaded: Int
    public var skipped: Int
    public var disabled: Int
}

public struct LoadReport: Sendable {
    public var files: [RuleFileSummary] = []
    public var skipped: [SkippedRule] = []
    /// Non-fatal notes: plugins kensa does not provide, output fields it cannot fill.
    public var warnings: [String] = []

    public var loadedCount: Int { files.reduce(0) { $0 + $1.loaded } }
}

public struct CompiledRule<Event>: Sendable {
    public let name: String
    public let priority: Priority
    public let tags: [String]
    public let source: String
    let predicate: Predicate<Event>
    let output: OutputFormat<Event>


}

public struct RuleLoader: Sendable {
    var defs = RuleDefinitions()
    public static let maxFileBytes = RuleFileParser.maxFileBytes

    public init() {}

    public mutating func add(yaml: String, file: String) throws(RuntimeError) {
        let items = try RuleFileParser.parse(yaml: yaml, file: file)
        try defs.apply(items, file: file)
    }

    public mutating func add(path: String) throws(RuntimeError) {
        let text = try FileReading.text(path, limit: Self.maxFileBytes)
        try add(yaml: text, file: path)
    }

    /// Compiles every enabled rule. A rule that needs a field kensa does not support is skipped
    /// and reported; with `strict` that is an error. Malformed rules are always errors.
    public func compile(strict: Bool = false) throws(RuntimeError) -> RuleEngine {
        var report = LoadReport()
        report.warnings = defs.warnings
        var expander = ConditionExpander(defs: defs)
        var audit: [CompiledRule<AuditEvent>] = []
        var process: [CompiledRule<ProcessEvent>] = []
        var summaries: [String: RuleFileSummary] = [:]
        let auditMemo = MemoSlots(), processMemo = MemoSlots()
        var prepared: [(RuleDef, ConditionNode)] = []
        for f in defs.files { summaries[f] = RuleFileSummary(file: f, defined: 0, loaded: 0, skipped: 0, disabled: 0) }

        for rule in defs.rules {
            summaries[rule.file, default: RuleFileSummary(file: rule.file, defined: 0, loaded: 0, skipped: 0, disabled: 0)].defined += 1
            guard rule.enabled else {
                summaries[rule.file]?.disabled += 1
                continue
            }
            let ctx = ConditionExpander.Context(file: rule.file, line: rule.conditionLine, item: "rule '\(rule.name)'")
            var ast: ConditionNode
            do {
                ast = try ConditionParser.parse(rule.condition)
            } catch {
                throw RuntimeError(.condition, input: "\(rule.file):\(rule.conditionLine)", item: "rule '\(rule.name)'",
                                   reason: "\(error.reason) (at character \(error.offset + 1) of the condition)")
            }
            if let exceptions = try expander.exceptionsCondition(rule) {
                ast = .and([ast, .not(exceptions)])
            }
            let expanded = try expander.expand(ast, ctx: ctx)
            prepared.append((rule, expanded))
            if rule.source == "k8s_audit" { auditMemo.count(expanded) } else if rule.source == "syscall" { processMemo.count(expanded) }
        }
        for (rule, expanded) in prepared {
            func skip(_ reason: String) throws(RuntimeError) {
                if strict {
                    throw RuntimeError(.unsupportedField, input: "\(rule.file):\(rule.line)", item: "rule '\(rule.name)'", reason: reason)
                }
                report.skipped.append(SkippedRule(rule: rule.name, file: rule.file, line: rule.line, reason: reason))
                summaries[rule.file]?.skipped += 1
            }
            switch rule.source {
            case "k8s_audit":
                switch try compileRule(rule, expanded, AuditFields.table, auditMemo, strict: strict) {
                case .compiled(let r, let notes):
                    audit.append(r)
                    report.warnings += notes
                    summaries[rule.file]?.loaded += 1
                case .skipped(let reason): try skip(reason)
                }
            case "syscall":
                switch try compileRule(rule, expanded, ProcessFields.table, processMemo, strict: strict) {
                case .compiled(let r, let notes):
                    process.append(r)
                    report.warnings += notes
                    summaries[rule.file]?.loaded += 1
                case .skipped(let reason): try skip(reason)
                }
            default:
                try skip("source '\(rule.source)' is not supported")
            }
        }
        report.files = defs.files.compactMap { summaries[$0] }
        return RuleEngine(auditRules: audit, processRules: process, report: report,
                          auditSlots: auditMemo.count, processSlots: processMemo.count)
    }

    enum Outcome<E> {
        case compiled(CompiledRule<E>, notes: [String])
        case skipped(String)
    }

    func compileRule<E>(_ rule: RuleDef, _ ast: ConditionNode, _ table: FieldTable<E>, _ memo: MemoSlots,
                        strict: Bool) throws(RuntimeError) -> Outcome<E> {
        let compiler = ConditionCompiler(table: table, memo: memo)
        let unsupported = compiler.unsupportedFields(ast)
        if !unsupported.isEmpty {
            return .skipped("unsupported field\(unsupported.count > 1 ? "s" : "") for source \(table.source): \(unsupported.joined(separator: ", "))")
        }
        let predicate: Predicate<E>
        do {
            predicate = try compiler.compile(ast)
        } catch {
            guard case .wrongType(let reason) = error else { return .skipped("\(error)") }
            throw RuntimeError(.wrongType, input: "\(rule.file):\(rule.conditionLine)", item: "rule '\(rule.name)'", reason: reason)
        }
        let (format, missing) = OutputFormat<E>.parse(rule.output.trimmingCharacters(in: .whitespacesAndNewlines), bind: compiler.bind)
        if !missing.isEmpty {
            let note = "\(rule.file):\(rule.line): rule '\(rule.name)': output field\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) not supported, shown as <NA>"
            if strict { throw RuntimeError(.unsupportedField, input: "\(rule.file):\(rule.line)", item: "rule '\(rule.name)'", reason: note) }
            return .compiled(CompiledRule(name: rule.name, priority: rule.priority, tags: rule.tags, source: rule.source, predicate: predicate, output: format), notes: [note])
        }
        return .compiled(CompiledRule(name: rule.name, priority: rule.priority, tags: rule.tags, source: rule.source, predicate: predicate, output: format), notes: [])
    }
}

public struct RuleEngine: Sendable {
    public let auditRules: [CompiledRule<AuditEvent>]
    public let processRules: [CompiledRule<ProcessEvent>]
    public let report: LoadReport
    let auditSlots: Int
    let processSlots: Int
    /// The predicates again, alone: iterating the rules themselves retained every field of
    /// every rule per event, which dominated profiles.
    let auditPredicates: [Predicate<AuditEvent>]
    let processPredicates: [Predicate<ProcessEvent>]

    init(auditRules: [CompiledRule<AuditEvent>], processRules: [CompiledRule<ProcessEvent>], report: LoadReport,
         auditSlots: Int, processSlots: Int) {
        self.auditRules = auditRules
        self.processRules = processRules
        self.report = report
        self.auditSlots = auditSlots
        self.processSlots = processSlots
        self.auditPredicates = auditRules.map(\.predicate)
        self.processPredicates = processRules.map(\.predicate)
    }

    /// Indices of the rules that match, in rule order.
    func matching<E>(_ ctx: EvalContext<E>, _ predicates: [Predicate<E>]) -> [Int] {
        var out: [Int] = []
        predicates.withUnsafeBufferPointer { ps in
            for i in 0..<ps.count where ps[i](ctx) { out.append(i) }
        }
        return out
    }

    /// The names of the rules an audit event matches, in rule order.
    public func matchingRules(_ event: AuditEvent) -> [String] {
        let ctx = EvalContext(event: event, slots: auditSlots)
        return matching(ctx, auditPredicates).map { auditRules[$0].name }
    }

    public func matchCount(_ event: AuditEvent) -> Int {
        let ctx = EvalContext(event: event, slots: auditSlots)
        var n = 0
        auditPredicates.withUnsafeBufferPointer { ps in
            for i in 0..<ps.count where ps[i](ctx) { n += 1 }
        }
        return n
    }

    public func alerts(for event: AuditEvent, hostname: String) -> [Alert] {
        let ctx = EvalContext(event: event, slots: auditSlots)
        return matching(ctx, auditPredicates).map {
            Alert(rule: auditRules[$0], event: event, time: event.time, hostname: hostname, observer: nil)
        }
    }

    public func alerts(for event: ProcessEvent, hostname: String) -> [Alert] {
        let ctx = EvalContext(event: event, slots: processSlots)
        return matching(ctx, processPredicates).map { i in
            let r = processRules[i]
            return Alert(rule: r, event: event, time: event.time, hostname: hostname, observer: event.observer.rawValue)
        }
    }
}

enum FileReading {
    static func text(_ path: String, limit: Int) throws(RuntimeError) -> String {
        let data = try bytes(path, limit: limit)
        guard let s = String(validating: data, as: UTF8.self) else {
            throw RuntimeError(.io, input: path, reason: "not UTF-8 text")
        }
        return s
    }

    static func bytes(_ path: String, limit: Int) throws(RuntimeError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RuntimeError(.io, input: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit { throw RuntimeError(.io, input: path, reason: "file larger than \(limit) bytes") }
            return [UInt8](data)
        } catch let e as RuntimeError {
            throw e
        } catch {
            throw RuntimeError(.io, input: path, reason: "read failed: \(error)")
        }
    }
}
