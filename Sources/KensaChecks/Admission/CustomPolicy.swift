// Custom checks written in CEL (`kensa config --policy DIR`): YAML files with an id, title,
// severity, the kinds they apply to, an `expression` over `object` that is true when the
// object is fine, and an optional `message` / `messageExpression`. A false result is a
// finding located at the object, with the field path the failing part of the expression names.
//
//   id: KNS-CUSTOM-001
//   title: Containers run as non-root
//   severity: HIGH
//   kinds: [Deployment, StatefulSet]
//   expression: object.spec.template.spec.containers.all(c, c.securityContext.runAsNonRoot == true)
//   messageExpression: "'workload ' + object.metadata.name + ' may run as root'"
//
// A file may hold several such documents, or one document with a `policies:` list.

import KensaCEL
import KensaCore

public struct CustomPolicy: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    /// Kinds (`Deployment`) or `apiVersion/kind` (`apps/v1/Deployment`); empty means every kind.
    public var kinds: [String]
    public var expressionText: String
    public var message: String?
    public var remediation: String?
    let expression: CELProgram
    let messageExpression: CELProgram?
    public var path: String
    public var line: Int

    static let environment = CELEnvironment(declaredVariables: ["object", "oldObject"])

    func applies(to o: ManifestObject) -> Bool {
        kinds.isEmpty || kinds.contains(o.kind) || kinds.contains("\(o.apiVersion)/\(o.kind)")
    }
}

public enum CustomPolicyLoader {
    /// Reads and compiles the policies of one file; any invalid policy fails the file, naming it.
    public static func load(_ text: String, path: String) throws(KensaError) -> [CustomPolicy] {
        var out: [CustomPolicy] = []
        for (doc, line) in try ManifestLoader.documents(text, path: path) {
            guard case .map = doc else { continue }
            let entries = doc["policies"].map(\.listValue) ?? [doc]
            for entry in entries { out.append(try policy(entry, path: path, line: line)) }
        }
        return out.sorted { $0.id < $1.id }
    }

    static func policy(_ v: CELValue, path: String, line: Int) throws(KensaError) -> CustomPolicy {
        guard let id = v["id"]?.stringValue, !id.isEmpty else { throw KensaError(.malformed, input: path, reason: "policy at line \(line) has no id") }
        guard let expr = v["expression"]?.stringValue else { throw KensaError(.malformed, input: path, reason: "policy \(id) has no expression") }
        let sevText = (v["severity"]?.stringValue ?? "MEDIUM").uppercased()
        guard let severity = Severity(rawValue: sevText) else { throw KensaError(.malformed, input: path, reason: "policy \(id): unknown severity '\(sevText)'") }
        let env = CustomPolicy.environment
        let program: CELProgram
        do { program = try env.compile(expr) } catch { throw KensaError(.malformed, input: path, reason: "policy \(id): expression: \(error)") }
        var messageProgram: CELProgram?
        if let me = v["messageExpression"]?.stringValue {
            do { messageProgram = try env.compile(me) } catch { throw KensaError(.malformed, input: path, reason: "policy \(id): messageExpression: \(error)") }
        }
        return CustomPolicy(id: id, title: v["title"]?.stringValue ?? id, severity: severity, kinds: v["kinds"]?.stringList ?? [],
                            expressionText: expr, message: v["message"]?.stringValue, remediation: v["remediation"]?.stringValue,
                            expression: program, messageExpression: messageProgram, path: path, line: line)
    }
}

public struct CustomPolicyEvaluator: Sendable {
    public init() {}

    /// Runs every policy over every object it applies to; findings sorted.
    public func evaluate(_ policies: [CustomPolicy], _ objects: [ManifestObject]) -> [Finding] {
        var findings: [Finding] = []
        for o in objects {
            let activation = CELActivation(["object": o.value, "oldObject": .null])
            for p in policies where p.applies(to: o) {
                let result: CELValue
                do { result = try p.expression.evaluate(activation) } catch { result = .error(CELError(.limitExceeded, "\(error)")) }
                if case .bool(true) = result { continue }
                var message: String
                switch result {
                case .bool(false):
                    message = p.message ?? "\(p.title): failed expression: \(p.expressionText)"
                    if let me = p.messageExpression, case .string(let s)? = try? me.evaluate(activation), !s.isEmpty { message = s }
                case .error(let e):
                    message = "\(p.title): expression could not be evaluated: \(e.message)"
                default:
                    message = "\(p.title): expression did not return a bool"
                }
                let fieldPath = p.expression.fieldPath(activation, root: "object")
                findings.append(Finding(kind: .misconfiguration, id: p.id, title: p.title, severity: p.severity,
                                        location: Finding.Location(path: o.path, startLine: o.line, object: o.reference, fieldPath: fieldPath),
                                        message: message, category: "Custom policy"))
            }
        }
        return findings.sorted()
    }
}
