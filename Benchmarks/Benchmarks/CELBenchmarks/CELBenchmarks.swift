// CEL evaluation speed (issue 9, acceptance 3 and 4): a typical admission-policy expression
// over a Deployment, compile time, and how long hostile expressions take to hit a limit.
// Run: cd Benchmarks && swift package benchmark --target CELBenchmarks

import Benchmark
import KensaCEL

func deployment(containers: Int) -> CELValue {
    var list: [[String: Any]] = []
    for i in 0..<containers {
        list.append([
            "name": "c\(i)", "image": "registry.example.com/team/app-\(i):1.\(i).0",
            "securityContext": ["runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true],
            "resources": ["limits": ["cpu": "500m", "memory": "256Mi"], "requests": ["cpu": "100m", "memory": "128Mi"]],
            "ports": [["containerPort": 8080 + i, "protocol": "TCP"]],
        ])
    }
    return CELValue.fromJSONLike([
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "prod", "labels": ["app": "web", "tier": "frontend"]],
        "spec": [
            "replicas": 3,
            "selector": ["matchLabels": ["app": "web"]],
            "template": [
                "metadata": ["labels": ["app": "web"]],
                "spec": ["serviceAccountName": "web", "containers": list],
            ],
        ],
    ] as [String: Any])
}

let policyExpression = "object.spec.template.spec.containers.all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true)"

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    let checked = CELEnvironment(declaredVariables: ["object", "oldObject", "params", "request"])
    // swiftlint:disable:next force_try
    let program = try! checked.compile(policyExpression)
    let twoContainers = CELActivation(["object": deployment(containers: 2)])
    let tenContainers = CELActivation(["object": deployment(containers: 10)])

    Benchmark("policy all(runAsNonRoot), 2 containers", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? program.evaluate(twoContainers)) }
    }

    Benchmark("policy all(runAsNonRoot), 10 containers", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? program.evaluate(tenContainers)) }
    }

    let mixed = try! checked.compile("object.metadata.labels.app == 'web' && object.spec.replicas <= 10 && object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/') && !c.image.endsWith(':latest'))")
    Benchmark("policy labels+replicas+image prefix, 2 containers", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? mixed.evaluate(twoContainers)) }
    }

    Benchmark("compile (parse + check) of the policy expression") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? checked.compile(policyExpression)) }
    }

    // Hostile expressions: each must stop at a limit; the time to get there is the metric.
    let ten = "[0,1,2,3,4,5,6,7,8,9]"
    var nested = "true"
    for v in ["a", "b", "c", "d", "e", "f", "g", "h"] { nested = "\(ten).all(\(v), \(nested))" }
    let exponential = try! CELEnvironment().compile(nested)
    Benchmark("hostile: 8 nested all() over 10 elements (10^8 iterations) to the cost limit", configuration: .init(maxDuration: .seconds(2))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? exponential.evaluate(CELActivation())) }
    }

    var replace = "'aaaaaaaaaa'"
    for _ in 0..<8 { replace = "\(replace).replace('a', 'aaaaaaaaaa')" }
    let hugeString = try! CELEnvironment().compile(replace)
    Benchmark("hostile: string grown x10 eight times to the size/cost limit", configuration: .init(maxDuration: .seconds(2))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? hugeString.evaluate(CELActivation())) }
    }

    let regex = try! CELEnvironment().compile("s.matches('(a+)+$') || s.matches('(a|aa)*b')")
    let regexInput = CELActivation(["s": .string(String(repeating: "a", count: 100_000) + "!")])
    Benchmark("hostile: catastrophic-for-backtracking regexes over 100 KB", configuration: .init(maxDuration: .seconds(2))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? regex.evaluate(regexInput)) }
    }

    let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let long = CELEnvironment(limits: CELLimits(maxExpressionLength: 1_000_000))
    Benchmark("hostile: 100,000 nested parentheses to the depth limit", configuration: .init(maxDuration: .seconds(2))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? long.compile(deep)) }
    }
}
