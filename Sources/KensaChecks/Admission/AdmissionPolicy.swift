// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1),
// read from manifests, with their CEL expressions compiled once.

import KensaCEL

struct LabelSelector {
    struct Requirement { var key: String; var op: String; var values: [String] }
    var matchLabels: [String: String] = [:]
    var expressions: [Requirement] = []

    init?(_ v: CELValue?) {
        guard let v, case .map = v else { return nil }
        if case .map(let m)? = v["matchLabels"] {
            for i in 0..<m.count { if let k = m.keys[i].stringValue, let val = m.values[i].stringValue { matchLabels[k] = val } }
        }
        for e in v["matchExpressions"]?.listValue ?? [] {
            expressions.append(Requirement(key: e["key"]?.stringValue ?? "", op: e["operator"]?.stringValue ?? "", values: e["values"]?.stringList ?? []))
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        for r in expressions {
            switch r.op {
            case "In": guard let v = labels[r.key], r.values.contains(v) else { return false }
            case "NotIn": if let v = labels[r.key], r.values.contains(v) { return false }
            case "Exists": if labels[r.key] == nil { return false }
            case "DoesNotExist": if labels[r.key] != nil { return false }
            default: return false
            }
        }
        return true
    }
}

struct ResourceRule {
    var apiGroups: [String], apiVersions: [String], resources: [String], operations: [String], scope: String
    var resourceNames: [String]

    init(_ v: CELValue) {
        apiGroups = v["apiGroups"]?.stringList ?? []
        apiVersions = v["apiVersions"]?.stringList ?? []
        resources = v["resources"]?.stringList ?? []
        operations = v["operations"]?.stringList ?? []
        scope = v["scope"]?.stringValue ?? "*"
        resourceNames = v["resourceNames"]?.stringList ?? []
    }

    func matches(_ o: ManifestObject, operation: String, namespaced: Bool) -> Bool {
        func has(_ list: [String], _ x: String) -> Bool { list.contains("*") || list.contains(x) }
        let plural = ResourceNames.plural(o.kind)
        guard has(apiGroups, o.group), has(apiVersions, o.version), has(operations, operation),
              resources.contains("*") || resources.contains("*/*") || resources.contains(plural) else { return false }
        if scope == "Cluster" && namespaced { return false }
        if scope == "Namespaced" && !namespaced { return false }
        if !resourceNames.isEmpty && !resourceNames.contains(o.name) { return false }
        return true
    }
}

struct MatchResources {
    var namespaceSelector: LabelSelector?
    var objectSelector: LabelSelector?
    var rules: [ResourceRule]
    var excludeRules: [ResourceRule]
    var hasRules: Bool

    init(_ v: CELValue?) {
        namespaceSelector = LabelSelector(v?["namespaceSelector"])
        objectSelector = LabelSelector(v?["objectSelector"])
        rules = (v?["resourceRules"]?.listValue ?? []).map(ResourceRule.init)
        excludeRules = (v?["excludeResourceRules"]?.listValue ?? []).map(ResourceRule.init)
        hasRules = v?["resourceRules"] != nil
    }

    func matches(_ o: ManifestObject, operation: String, namespaceLabels: [String: String]?, requireRules: Bool) -> Bool {
        let namespaced = ResourceNames.isNamespaced(o)
        if requireRules || hasRules {
            guard rules.contains(where: { $0.matches(o, operation: operation, namespaced: namespaced) }) else { return false }
        }
        if excludeRules.contains(where: { $0.matches(o, operation: operation, namespaced: namespaced) }) { return false }
        if let sel = objectSelector, !sel.matches(o.labels) { return false }
        if let sel = namespaceSelector, namespaced, !sel.matches(namespaceLabels ?? [:]) { return false }
        return true
    }
}

/// A compiled expression with its source text (for messages).
struct PolicyExpression {
    var text: String
    var program: Result<CELProgram, CELProgramError>

    init(_ text: String, _ env: CELEnvironment) {
        self.text = text
        do { program = .success(try env.compile(text)) } catch { program = .failure(error) }
    }
}

struct AdmissionPolicy {
    struct Validation { var expression: PolicyExpression; var message: String?; var messageExpression: PolicyExpression?; var reason: String? }
    struct Variable { var name: String; var expression: PolicyExpression }
    struct MatchCondition { var name: String; var expression: PolicyExpression }
    struct AuditAnnotation { var key: String; var valueExpression: PolicyExpression }

    var name: String
    var failurePolicyIgnore: Bool
    var paramKind: (apiVersion: String, kind: String)?
    var match: MatchResources
    var matchConditions: [MatchCondition]
    var variables: [Variable]
    var validations: [Validation]
    var auditAnnotations: [AuditAnnotation]
    var object: ManifestObject

    static let environment = CELEnvironment(declaredVariables: ["object", "oldObject", "params", "request", "namespaceObject", "variables", "authorizer"])

    init(_ o: ManifestObject) {
        let spec = o.value["spec"]
        let env = Self.environment
        name = o.name
        object = o
        failurePolicyIgnore = spec?["failurePolicy"]?.stringValue == "Ignore"
        if let pk = spec?["paramKind"], let kind = pk["kind"]?.stringValue {
            paramKind = (pk["apiVersion"]?.stringValue ?? "", kind)
        }
        match = MatchResources(spec?["matchConstraints"])
        matchConditions = (spec?["matchConditions"]?.listValue ?? []).map {
            MatchCondition(name: $0["name"]?.stringValue ?? "", expression: PolicyExpression($0["expression"]?.stringValue ?? "", env))
        }
        variables = (spec?["variables"]?.listValue ?? []).map {
            Variable(name: $0["name"]?.stringValue ?? "", expression: PolicyExpression($0["expression"]?.stringValue ?? "", env))
        }
        validations = (spec?["validations"]?.listValue ?? []).map {
            Validation(expression: PolicyExpression($0["expression"]?.stringValue ?? "", env), message: $0["message"]?.stringValue,
                       messageExpression: $0["messageExpression"]?.stringValue.map { PolicyExpression($0, env) }, reason: $0["reason"]?.stringValue)
        }
        auditAnnotations = (spec?["auditAnnotations"]?.listValue ?? []).map {
            AuditAnnotation(key: $0["key"]?.stringValue ?? "", valueExpression: PolicyExpression($0["valueExpression"]?.stringValue ?? "", env))
        }
    }
}

struct AdmissionBinding {
    var name: String
    var policyName: String
    var actions: [String]
    var match: MatchResources?
    var paramName: String?
    var paramNamespace: String?
    var paramSelector: LabelSelector?
    var paramNotFoundAllow: Bool

    init(_ o: ManifestObject) {
        let spec = o.value["spec"]
        name = o.name
        policyName = spec?["policyName"]?.stringValue ?? ""
        actions = spec?["validationActions"]?.stringList ?? []
        match = spec?["matchResources"].map { MatchResources($0) }
        let ref = spec?["paramRef"]
        paramName = ref?["name"]?.stringValue
        paramNamespace = ref?["namespace"]?.stringValue
        paramSelector = LabelSelector(ref?["selector"])
        paramNotFoundAllow = ref?["parameterNotFoundAction"]?.stringValue == "Allow"
    }
}

enum ResourceNames {
    static let irregular: [String: String] = [
        "Endpoints": "endpoints", "Ingress": "ingresses", "NetworkPolicy": "networkpolicies", "PodSecurityPolicy": "podsecuritypolicies",
        "StorageClass": "storageclasses", "IngressClass": "ingressclasses", "PriorityClass": "priorityclasses",
        "RuntimeClass": "runtimeclasses", "ResourceQuota": "resourcequotas",
    ]
    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "PriorityClass", "RuntimeClass", "IngressClass", "APIService", "CSIDriver", "CSINode",
    ]

    /// The resource (plural, lower case) the API server uses for a kind.
    static func plural(_ kind: String) -> String {
        if let p = irregular[kind] { return p }
        let lower = kind.lowercased()
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("ch") || lower.hasSuffix("sh") { return lower + "es" }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) { return lower.dropLast() + "ies" }
        return lower + "s"
    }

    static func isNamespaced(_ o: ManifestObject) -> Bool { !clusterScoped.contains(o.kind) }
}
