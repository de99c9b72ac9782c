// Offline evaluation of ValidatingAdmissionPolicies: every manifest object is treated as a
// CREATE request and judged by every bound policy, as the API server would (match
// constraints and binding match resources, paramKind/paramRef, matchConditions, variables,
// validations with messageExpression, auditAnnotations, failurePolicy). Denials are worded
// as the API server words them and become findings located at the denied object.

import Foundation
import KensaCEL
import KensaCore

/// What one policy binding decided about one object.
public struct AdmissionDecision: Sendable, Hashable, Comparable {
    public enum Outcome: String, Sendable, Hashable { case denied, warned, audited }
    public var policy: String
    public var binding: String
    public var objectReference: String
    public var path: String
    public var line: Int
    public var outcome: Outcome
    /// `validationActions` of the binding (Deny, Warn, Audit).
    public var actions: [String]
    /// The API server's message, e.g. "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: …".
    public var message: String
    public var reason: String
    /// auditAnnotations, keyed `<policy>/<key>` as the API server records them.
    public var auditAnnotations: [String: String]

    public static func < (a: AdmissionDecision, b: AdmissionDecision) -> Bool {
        (a.path, a.line, a.policy, a.binding, a.message) < (b.path, b.line, b.policy, b.binding, b.message)
    }
}

public struct AdmissionEvaluator: Sendable {
    /// The operation an offline evaluation assumes for every object.
    public var operation = "CREATE"
    public var username = "kensa"

    public init() {}

    /// Judges every non-policy object of `objects` by the policies and bindings among them.
    public func evaluate(_ objects: [ManifestObject]) -> [AdmissionDecision] {
        let vapGroup = "admissionregistration.k8s.io"
        var policies: [String: AdmissionPolicy] = [:]
        var bindings: [AdmissionBinding] = []
        var namespaces: [String: ManifestObject] = [:]
        for o in objects where o.apiVersion.hasPrefix(vapGroup) || o.kind == "Namespace" {
            switch o.kind {
            case "ValidatingAdmissionPolicy": policies[o.name] = AdmissionPolicy(o)
            case "ValidatingAdmissionPolicyBinding": bindings.append(AdmissionBinding(o))
            case "Namespace": namespaces[o.name] = o
            default: break
            }
        }
        bindings.sort { $0.name < $1.name }
        var decisions: [AdmissionDecision] = []
        for o in objects where !o.apiVersion.hasPrefix(vapGroup) {
            for b in bindings {
                guard let p = policies[b.policyName] else { continue }
                decisions += evaluate(o, policy: p, binding: b, objects: objects, namespaces: namespaces)
            }
        }
        return decisions.sorted()
    }

    func namespaceOf(_ o: ManifestObject) -> String? {
        ResourceNames.isNamespaced(o) ? (o.namespace ?? "default") : nil
    }

    func evaluate(_ o: ManifestObject, policy p: AdmissionPolicy, binding b: AdmissionBinding, objects: [ManifestObject],
                  namespaces: [String: ManifestObject]) -> [AdmissionDecision] {
        let ns = namespaceOf(o)
        var nsLabels: [String: String]? = nil
        var nsObject = CELValue.null
        if let ns {
            var labels = namespaces[ns]?.labels ?? [:]
            // The API server sets this label on every namespace.
            labels["kubernetes.io/metadata.name"] = ns
            nsLabels = labels
            nsObject = namespaces[ns]?.value ?? .map(CELMap(strings: [
                ("apiVersion", .string("v1")), ("kind", .string("Namespace")),
                ("metadata", .map(CELMap(strings: [("name", .string(ns)), ("labels", .map(CELMap(strings: labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))]))),
            ]))
        }
        guard p.match.matches(o, operation: operation, namespaceLabels: nsLabels, requireRules: true) else { return [] }
        if let m = b.match, !m.matches(o, operation: operation, namespaceLabels: nsLabels, requireRules: false) { return [] }

        var params: [CELValue] = [.null]
        if let pk = p.paramKind {
            let found = objects.filter { c in
                guard c.kind == pk.kind, c.apiVersion == pk.apiVersion else { return false }
                if let n = b.paramName, c.name != n { return false }
                if let sel = b.paramSelector, !sel.matches(c.labels) { return false }
                let wantNS = b.paramNamespace ?? ns
                // A parameter without a namespace is cluster-scoped and found from anywhere.
                if let wantNS, let have = c.namespace, have != wantNS { return false }
                return true
            }
            if found.isEmpty {
                if b.paramNotFoundAllow { return [] }
                return [decision(o, p, b, "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction", reason: "Invalid", annotations: [:])]
            }
            params = found.map(\.value)
        }

        var out: [AdmissionDecision] = []
        for param in params {
            var vars: [String: CELValue] = [
                "object": o.value, "oldObject": .null, "params": param, "namespaceObject": nsObject,
                "request": request(o, ns),
            ]
            // matchConditions: all must be true; an error applies the failure policy.
            var skip = false
            for mc in p.matchConditions {
                let r = run(mc.expression, CELActivation(vars))
                switch r {
                case .bool(true): continue
                case .bool(false): skip = true
                default:
                    skip = true
                    if !p.failurePolicyIgnore {
                        out.append(decision(o, p, b, "failed to evaluate match condition '\(mc.name)': \(errorText(r))", reason: "Invalid", annotations: [:]))
                    }
                }
                if skip { break }
            }
            if skip { continue }
            var evaluated: [(String, CELValue)] = []
            for v in p.variables {
                vars["variables"] = .map(CELMap(strings: evaluated))
                evaluated.append((v.name, run(v.expression, CELActivation(vars))))
            }
            vars["variables"] = .map(CELMap(strings: evaluated))
            let activation = CELActivation(vars)
            var annotations: [String: String] = [:]
            for a in p.auditAnnotations {
                if case .string(let s) = run(a.valueExpression, activation) { annotations["\(p.name)/\(a.key)"] = s }
            }
            for v in p.validations {
                let r = run(v.expression, activation)
                switch r {
                case .bool(true): continue
                case .bool(false):
                    var message = v.message ?? "failed expression: \(v.expression.text.trimmingCharacters(in: .whitespacesAndNewlines))"
                    if let me = v.messageExpression, case .string(let s) = run(me, activation),
                       !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !s.contains("\n") {
                        message = s
                    }
                    out.append(decision(o, p, b, message, reason: v.reason ?? "Invalid", annotations: annotations))
                default:
                    if !p.failurePolicyIgnore {
                        out.append(decision(o, p, b, "expression '\(v.expression.text)' resulted in error: \(errorText(r))", reason: "Invalid", annotations: annotations))
                    }
                }
            }
        }
        return out
    }

    func run(_ e: PolicyExpression, _ activation: CELActivation) -> CELValue {
        switch e.program {
        case .failure(let err): return .error(CELError(.invalidArgument, "compilation failed: \(err)"))
        case .success(let program):
            do { return try program.evaluate(activation) } catch { return .error(CELError(.limitExceeded, "\(error)")) }
        }
    }

    func errorText(_ v: CELValue) -> String {
        if case .error(let e) = v { return e.message }
        return "expression did not return a bool"
    }

    func request(_ o: ManifestObject, _ ns: String?) -> CELValue {
        let gvk = CELValue.map(CELMap(strings: [("group", .string(o.group)), ("version", .string(o.version)), ("kind", .string(o.kind))]))
        let gvr = CELValue.map(CELMap(strings: [("group", .string(o.group)), ("version", .string(o.version)), ("resource", .string(ResourceNames.plural(o.kind)))]))
        var fields: [(String, CELValue)] = [
            ("kind", gvk), ("resource", gvr), ("requestKind", gvk), ("requestResource", gvr),
            ("name", .string(o.name)), ("operation", .string(operation)),
            ("userInfo", .map(CELMap(strings: [("username", .string(username)), ("groups", .list([.string("system:authenticated")]))]))),
            ("dryRun", .bool(false)),
        ]
        if let ns { fields.append(("namespace", .string(ns))) }
        return .map(CELMap(strings: fields))
    }

    func decision(_ o: ManifestObject, _ p: AdmissionPolicy, _ b: AdmissionBinding, _ message: String, reason: String, annotations: [String: String]) -> AdmissionDecision {
        let outcome: AdmissionDecision.Outcome = b.actions.contains("Deny") ? .denied : (b.actions.contains("Warn") ? .warned : .audited)
        // The API server's wording: a denial, or the warning/audit text for Warn and Audit.
        let text = outcome == .denied
            ? "ValidatingAdmissionPolicy '\(p.name)' with binding '\(b.name)' denied request: \(message)"
            : "Validation failed for ValidatingAdmissionPolicy '\(p.name)' with binding '\(b.name)': \(message)"
        return AdmissionDecision(policy: p.name, binding: b.name, objectReference: o.reference, path: o.path, line: o.line,
                                 outcome: outcome, actions: b.actions,
                                 message: text,
                                 reason: reason, auditAnnotations: annotations)
    }
}

extension AdmissionDecision {
    /// The decision as a finding, located at the denied object.
    public var finding: Finding {
        let severity: Severity = outcome == .denied ? .high : (outcome == .warned ? .medium : .low)
        return Finding(kind: .misconfiguration, id: policy, title: "ValidatingAdmissionPolicy \(policy) (binding \(binding))",
                       severity: severity, location: Finding.Location(path: path, startLine: line, object: objectReference),
                       message: message, category: "ValidatingAdmissionPolicy")
    }
}
