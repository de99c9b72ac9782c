import Testing
@testable import KensaRuntime

/// Conditions, lists, macros, exceptions, append/override, evaluated over small audit events.
@Suite struct RuleLanguageTests {
    static let event = """
    {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":"ResponseComplete","verb":"create",
     "requestURI":"/api/v1/namespaces/ns1/pods?dryRun=All&x=1","user":{"username":"Alice","groups":["dev","ops"]},
     "objectRef":{"resource":"pods","namespace":"ns1","name":"web-1"},"responseStatus":{"code":201},
     "requestObject":{"spec":{"hostNetwork":true,"containers":[{"image":"nginx:1.25","securityContext":{"privileged":true}},
     {"image":"registry:5000/app@sha256:ab"}],"volumes":[{"name":"a","hostPath":{"path":"/etc"}},{"name":"b","emptyDir":{}}]}},
     "stageTimestamp":"2026-01-02T03:04:05.123456Z"}
    """

    func engine(_ yaml: String, strict: Bool = true) throws -> RuleEngine {
        var loader = RuleLoader()
        try loader.add(yaml: yaml, file: "t.yaml")
        return try loader.compile(strict: strict)
    }

    func matches(_ condition: String, lists: String = "") throws -> Bool {
        let yaml = lists + """

        - rule: r
          desc: d
          condition: \(condition)
          output: o
          priority: INFO
          source: k8s_audit
        """
        let e = try engine(yaml)
        let ev = try #require(AuditEvent.decode(Self.event).events.first)
        return e.matchingRules(ev) == ["r"]
    }

    @Test(arguments: [
        ("ka.verb=create", true),
        ("ka.verb==create", true),
        ("ka.verb!=create", false),
        ("ka.verb = \"create\"", true),
        ("ka.verb='create'", true),
        ("ka.user.name icontains ali", true),
        ("ka.user.name contains ali", false),
        ("ka.uri startswith /api/v1", true),
        ("ka.uri endswith x=1", true),
        ("ka.uri glob '/api/*/pods*'", true),
        ("ka.uri.param[dryRun]=All", true),
        ("ka.response.code startswith 2", true),
        ("ka.response.code > 200", true),
        ("ka.response.code < 200", false),
        ("ka.response.code >= 201 and ka.response.code <= 201", true),
        ("ka.user.groups intersects (ops, x)", true),
        ("ka.user.groups in (ops, x)", false),
        ("ka.user.groups in (ops, dev)", true),
        ("ka.req.pod.containers.image.repository in (nginx, registry)", true),
        ("ka.req.pod.containers.privileged intersects (true)", true),
        ("ka.req.pod.host_network=true", true),
        ("ka.req.pod.host_pid exists", false),
        ("not ka.req.pod.host_pid exists", true),
        ("ka.req.pod.host_pid=false", false),
        ("ka.req.pod.host_pid!=false", false),
        ("ka.req.pod.volumes.hostpath intersects (/etc, /root)", true),
        ("ka.req.pod.volumes.hostpath pmatch (/)", true),
        ("ka.req.pod.volumes.hostpath pmatch (/et)", false),
        ("jevt.value[/requestObject/spec/containers/1/image] startswith registry", true),
        ("jevt.value[/objectRef/resource]=pods and jevt.rawtime > 0", true),
        ("tolower(ka.user.name) = alice", true),
        ("toupper(ka.verb) = CREATE", true),
        ("ka.verb = create or ka.verb = get and ka.verb = delete", true),
        ("(ka.verb = create or ka.verb = get) and ka.verb = delete", false),
        ("not not ka.verb=create", true),
        ("not (ka.verb=get or ka.verb=delete)", true),
        ("ka.target.subresource in (exec)", false),
        ("not ka.target.subresource in (exec)", true),
        ("ka.verb bcontains 726561", true),
        ("ka.verb bstartswith 6372", true),
        ("ka.user.name = val(ka.user.name)", true),
    ])
    func conditions(_ condition: String, _ expected: Bool) throws {
        #expect(try matches(condition) == expected, "\(condition)")
    }

    @Test func listsAndMacrosExpandRecursively() throws {
        let defs = """
        - list: inner
          items: [nginx, '"quoted item"']
        - list: outer
          items: [inner, other]
        - macro: is_pod
          condition: ka.target.resource=pods
        - macro: pod_create
          condition: is_pod and ka.verb=create
        """
        #expect(try matches("pod_create and ka.req.pod.containers.image.repository intersects (outer)", lists: defs))
        #expect(try matches("ka.target.name in (\"quoted item\", web-1)", lists: defs))
        #expect(try !matches("pod_create and ka.target.name in (outer)", lists: defs))
        // A quoted name is a literal, not a list reference.
        #expect(try !matches("ka.target.name in (\"inner\")", lists: defs))
    }

    @Test func appendAndOverride() throws {
        let yaml = """
        - list: users
          items: [bob]
        - list: users
          append: true
          items: [Alice]
        - macro: m
          condition: ka.verb=get
        - macro: m
          override:
            condition: append
          condition: or ka.verb=create
        - rule: r
          desc: d
          condition: ka.user.name in (users)
          output: first
          priority: INFO
          source: k8s_audit
        - rule: r
          override:
            condition: append
            output: replace
            priority: replace
          condition: and m
          output: second %ka.verb
          priority: ERROR
        - rule: off
          desc: d
          condition: ka.verb=create
          output: o
          priority: INFO
          source: k8s_audit
        - rule: off
          enabled: false
        """
        let e = try engine(yaml)
        let ev = try #require(AuditEvent.decode(Self.event).events.first)
        let alerts = e.alerts(for: ev, hostname: "h")
        #expect(alerts.map(\.rule) == ["r"])
        #expect(alerts.first?.priority == .error)
        #expect(alerts.first?.message == "second create")
        #expect(e.report.files.first?.disabled == 1)
    }

    @Test func exceptionsSuppressMatches() throws {
        let base = """
        - rule: r
          desc: d
          condition: ka.verb=create
          output: o
          priority: INFO
          source: k8s_audit
          exceptions:
            - name: known
              fields: [ka.user.name, ka.target.namespace]
              comps: [=, in]
              values:
                - [Alice, [ns1, ns2]]
        """
        let ev = try #require(AuditEvent.decode(Self.event).events.first)
        #expect(try engine(base).matchingRules(ev).isEmpty)
        let other = base.replacingOccurrences(of: "[Alice, [ns1, ns2]]", with: "[Bob, [ns1]]")
        #expect(try engine(other).matchingRules(ev) == ["r"])
        let single = """
        - rule: r
          desc: d
          condition: ka.verb=create
          output: o
          priority: INFO
          source: k8s_audit
          exceptions:
            - name: names
              fields: ka.target.name
              values: [web-1, web-2]
        """
        #expect(try engine(single).matchingRules(ev).isEmpty)
        // Appending values to an exception of an existing rule.
        let appended = other + """

        - rule: r
          exceptions:
            - name: known
              values:
                - [Alice, [ns1]]
          append: true
        """
        #expect(try engine(appended).matchingRules(ev).isEmpty)
    }

    @Test func outputSubstitution() throws {
        let e = try engine("""
        - rule: r
          desc: d
          condition: ka.verb=create
          output: "user=%ka.user.name images=%ka.req.pod.containers.image missing=%ka.req.service.type pct=100% end=%ka.verb."
          priority: WARNING
          source: k8s_audit
          tags: [b, a]
        """)
        let ev = try #require(AuditEvent.decode(Self.event).events.first)
        let a = try #require(e.alerts(for: ev, hostname: "h").first)
        #expect(a.message == "user=Alice images=(nginx:1.25,registry:5000/app@sha256:ab) missing=<NA> pct=100% end=create.")
        #expect(a.output == "03:04:05.123456000: Warning " + a.message)
        let json = try JSONReader.parse(a.jsonLine)
        #expect(json["time"] == .string("2026-01-02T03:04:05.123456000Z"))
        #expect(json["priority"] == .string("Warning"))
        #expect(json["source"] == .string("k8s_audit"))
        #expect(json["tags"] == .array([.string("a"), .string("b")]))
        #expect(json["output_fields"]?["ka.req.service.type"] == .null)
        #expect(json["output_fields"]?["ka.user.name"] == .string("Alice"))
    }
}

/// Malformed rule files: the error names the file, the line and the rule.
@Suite struct MalformedRulesTests {
    func loadError(_ yaml: String, strict: Bool = false) -> RuntimeError? {
        var loader = RuleLoader()
        do {
            try loader.add(yaml: yaml, file: "bad.yaml")
            _ = try loader.compile(strict: strict)
            return nil
        } catch {
            return error
        }
    }

    func rule(_ condition: String, line2: String = "") -> String {
        """
        - macro: ok
          condition: ka.verb=get
        \(line2)
        - rule: Bad Rule
          desc: d
          condition: \(condition)
          output: o
          priority: INFO
          source: k8s_audit
        """
    }

    @Test func unknownMacro() throws {
        let e = try #require(loadError(rule("ok and no_such_macro")))
        #expect(e.kind == .unknownMacro)
        #expect(e.description == "bad.yaml:6: rule 'Bad Rule': unknown macro 'no_such_macro'")
    }

    @Test(arguments: ["ka.verb =", "(ka.verb=get", "ka.verb=get)", "ka.verb in create", "and ka.verb=get",
                      "ka.verb === x", "ka.verb in (a, b", "ka.verb=\"unterminated", "ka.verb", "ka.verb=get or"])
    func badGrammar(_ condition: String) throws {
        let e = try #require(loadError(rule(condition)), "\(condition)")
        #expect(e.kind == .condition, "\(condition)")
        #expect(e.input == "bad.yaml:6", "\(condition)")
        #expect(e.item == "rule 'Bad Rule'")
    }

    @Test func cyclicMacros() throws {
        let yaml = rule("a", line2: """
        - macro: a
          condition: ka.verb=x or b
        - macro: b
          condition: not a
        """)
        let e = try #require(loadError(yaml))
        #expect(e.kind == .cyclicMacro)
        #expect(e.description.contains("bad.yaml:9: rule 'Bad Rule'"))
        #expect(e.description.contains("a -> b -> a"))
    }

    @Test func cyclicLists() throws {
        let yaml = rule("ka.verb in (l1)", line2: """
        - list: l1
          items: [l2]
        - list: l2
          items: [l1]
        """)
        let e = try #require(loadError(yaml))
        #expect(e.kind == .cyclicMacro)
        #expect(e.description.contains("rule 'Bad Rule'"))
    }

    @Test func badConditionInsideMacroNamesTheMacroAndTheRule() throws {
        let yaml = rule("m", line2: """
        - macro: m
          condition: ka.verb in (
        """)
        let e = try #require(loadError(yaml))
        #expect(e.kind == .condition)
        #expect(e.input == "bad.yaml:4")
        #expect(e.item == "macro 'm' (used by rule 'Bad Rule')")
    }

    @Test(arguments: [
        ("jevt.rawtime = abc", "not a number"),
        ("jevt.rawtime contains 1", "does not apply"),
        ("ka.verb = (a, b)", "takes a single value"),
        ("jevt.rawtime in (1, x)", "not a number"),
    ])
    func wrongTypes(_ condition: String, _ reason: String) throws {
        let e = try #require(loadError(rule(condition)), "\(condition)")
        #expect(e.kind == .wrongType)
        #expect(e.input == "bad.yaml:6")
        #expect(e.item == "rule 'Bad Rule'")
        #expect(e.reason.contains(reason), "\(e.reason)")
    }

    @Test func wrongYAMLTypes() throws {
        let cases: [(String, String)] = [
            ("- rule: r\n  condition: [a]\n  output: o\n  priority: INFO\n", "bad.yaml:2"),
            ("- rule: r\n  desc: d\n  condition: ka.verb=x\n  output: o\n  priority: LOUD\n  source: k8s_audit\n", "bad.yaml:1"),
            ("- rule: r\n  enabled: maybe\n", "bad.yaml:2"),
            ("- list: l\n  items: notalist\n", "bad.yaml:2"),
            ("- rule: r\n  desc: d\n", "bad.yaml:1"),
            ("- list: l\n  append: true\n  items: [a]\n", "bad.yaml:1"),
            ("- rule: r\n  append: true\n  condition: and x\n", "bad.yaml:1"),
            ("- what: x\n", "bad.yaml:1"),
            ("rule: r\n", "bad.yaml:1"),
            ("- required_engine_version: 99.0.0\n", "bad.yaml:1"),
        ]
        for (yaml, input) in cases {
            let e = try #require(loadError(yaml), "\(yaml)")
            #expect(e.input == input, "\(yaml) -> \(e)")
        }
    }

    @Test func truncatedAndHostileYAML() throws {
        let text = try String(contentsOfFile: TestData.k8sRules, encoding: .utf8)
        // Truncated in the middle of a rule: an error, never a crash.
        for cut in [100, 2000, 7777, 15000] {
            var loader = RuleLoader()
            let prefix = String(text.utf8.prefix(cut)) ?? ""
            do {
                try loader.add(yaml: prefix, file: "cut.yaml")
                _ = try loader.compile()
            } catch {
                #expect(error.input.hasPrefix("cut.yaml"))
            }
        }
        #expect(loadError("- rule: [\n") != nil)
        #expect(loadError("\t- rule: x") != nil)
        // Deeply nested conditions and macro chains are bounded.
        let deep = String(repeating: "(", count: 5000) + "ka.verb=x" + String(repeating: ")", count: 5000)
        #expect(loadError(rule(deep))?.kind == .condition)
        let nots = String(repeating: "not ", count: 5000) + "ka.verb=x"
        #expect(loadError(rule(nots))?.kind == .condition)
        var chain = ""
        for i in 0..<100 { chain += "- macro: m\(i)\n  condition: m\(i + 1)\n" }
        chain += "- macro: m100\n  condition: ka.verb=x\n"
        #expect(loadError(rule("m0", line2: chain))?.kind == .cyclicMacro)
        // Oversized file.
        let big = String(repeating: "#", count: RuleLoader.maxFileBytes + 1)
        #expect(loadError(big)?.kind == .ruleFile)
    }

    @Test func yamlAliasBombIsRejected() throws {
        var lines = ["- list: a0", "  items: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 {
            lines.append("- list: a\(i)")
            lines.append("  items: &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let e = try #require(loadError(lines.joined(separator: "\n")))
        // Lists hold scalars only, so nested aliases stop at the first list that uses one.
        #expect(e.item == "a1")
        #expect(e.reason.contains("must be scalars"))
    }

    @Test func unsupportedFieldSkipsRuleOrFailsInStrictMode() throws {
        let yaml = """
        - rule: Uses fd
          desc: d
          condition: fd.name=/etc/shadow and proc.name=cat
          output: o
          priority: INFO
        """
        var loader = RuleLoader()
        try loader.add(yaml: yaml, file: "s.yaml")
        let e = try loader.compile()
        #expect(e.report.skipped == [SkippedRule(rule: "Uses fd", file: "s.yaml", line: 1, reason: "unsupported field for source syscall: fd.name")])
        let strictError = try #require(loadError(yaml, strict: true))
        #expect(strictError.kind == .unsupportedField)
        #expect(strictError.description == "bad.yaml:1: rule 'Uses fd': unsupported field for source syscall: fd.name")
    }
}
