// Behaviour beyond the conformance files: the public API, checked mode, regex semantics
// (RE2 leftmost-first), the Kubernetes libraries, and values from JSON-like documents.

import Foundation
import XCTest
@testable import KensaCEL

func eval(_ text: String, _ vars: [String: CELValue] = [:], env: CELEnvironment = CELEnvironment()) throws -> CELValue {
    try env.compile(text).evaluate(CELActivation(vars))
}

func assertValue(_ text: String, _ expected: CELValue, _ vars: [String: CELValue] = [:], file: StaticString = #filePath, line: UInt = #line) {
    do {
        let v = try eval(text, vars)
        XCTAssertTrue(Ops.equals(v, expected) && v.celType == expected.celType, "\(text): expected \(Format.display(expected)), got \(v)", file: file, line: line)
    } catch {
        XCTFail("\(text): \(error)", file: file, line: line)
    }
}

func assertErrorValue(_ text: String, contains: String, _ vars: [String: CELValue] = [:], file: StaticString = #filePath, line: UInt = #line) {
    do {
        let v = try eval(text, vars)
        guard case .error(let e) = v else { return XCTFail("\(text): expected an error, got \(v)", file: file, line: line) }
        XCTAssertTrue(e.message.contains(contains), "\(text): \(e.message)", file: file, line: line)
    } catch {
        XCTFail("\(text): \(error)", file: file, line: line)
    }
}

final class LanguageTests: XCTestCase {
    static let deployment = CELValue.fromJSONLike([
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "prod", "labels": ["app": "web"]],
        "spec": [
            "replicas": 3,
            "template": ["spec": ["containers": [
                ["name": "app", "image": "registry.example.com/web:1.2.3", "securityContext": ["runAsNonRoot": true]],
                ["name": "sidecar", "image": "envoy:latest"],
            ]]],
        ],
    ] as [String: Any])

    func testPolicyExpressionOverADeployment() {
        let vars = ["object": Self.deployment]
        assertValue("object.spec.template.spec.containers.all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true)", .bool(false), vars)
        assertValue("object.spec.template.spec.containers.exists(c, c.image.endsWith(':latest'))", .bool(true), vars)
        assertValue("object.spec.replicas <= 5 && object.metadata.labels.app == 'web'", .bool(true), vars)
        assertValue("object.spec.template.spec.containers.map(c, c.name)", .list([.string("app"), .string("sidecar")]), vars)
        assertValue("object.spec.template.spec.containers.filter(c, !has(c.securityContext)).size()", .int(1), vars)
        assertValue("has(object.metadata.annotations)", .bool(false), vars)
        assertErrorValue("object.metadata.annotations.x", contains: "no such key", vars)
    }

    func testCheckedModeRejectsUndeclaredNames() {
        let env = CELEnvironment(declaredVariables: ["object"])
        XCTAssertNoThrow(try env.compile("object.spec.replicas > 1 && int == type(1)"))
        XCTAssertThrowsError(try env.compile("objekt.spec")) { e in
            XCTAssertEqual(e as? CELProgramError, .undeclaredReference("objekt.spec"))
        }
        XCTAssertThrowsError(try env.compile("object.spec.containers.exist(c, true)")) { e in
            XCTAssertEqual(e as? CELProgramError, .unknownFunction("exist"))
        }
        // Without declarations an unknown function is an error value when reached.
        XCTAssertNoThrow(try CELEnvironment().compile("true || nosuch(1)"))
    }

    func testProgramIsReusableAndThreadSafe() throws {
        let p = try CELEnvironment().compile("x * 2 + [1, 2, 3].filter(i, i > 1).size()")
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            if case .int(let v)? = try? p.evaluate(CELActivation(["x": .int(Int64(i))])) { results.set(i, v) }
        }
        for i in 0..<64 { XCTAssertEqual(results.get(i), Int64(i) * 2 + 2) }
    }

    func testLibrariesAreThreadSafe() throws {
        let p = try CELEnvironment().compile(
            "s.matches(pat) && s.matches('^\\\\p{L}+$') && t.getHours('Asia/Kathmandu') == 5 && '%s-%d'.format([s, 1]) != '' && quantity('1Gi').isGreaterThan(quantity('1Mi'))")
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let act = CELActivation(["s": .string("héllo"), "pat": .string("l{\(1 + i % 2)}"),
                                     "t": .timestamp(CELTimestamp(seconds: 1_234_567_890, nanos: 0))])
            if case .bool(true)? = try? p.evaluate(act) { results.set(i, 1) }
        }
        for i in 0..<32 { XCTAssertEqual(results.get(i), 1, "evaluation \(i)") }
    }

    func testErrorsAreAbsorbedCommutatively() {
        assertValue("1 / 0 == 1 || true", .bool(true))
        assertValue("true || 1 / 0 == 1", .bool(true))
        assertValue("1 / 0 == 1 && false", .bool(false))
        assertValue("false && 1 / 0 == 1", .bool(false))
        assertErrorValue("1 / 0 == 1 && true", contains: "division by zero")
        assertValue("[1, 0].exists(x, 1 / x == 1)", .bool(true))
        assertValue("[0, 1].exists(x, 1 / x == 1)", .bool(true))
        assertErrorValue("[0, 2].exists(x, 1 / x == 1)", contains: "division by zero")
    }

    func testUnknownsPropagate() throws {
        let p = try CELEnvironment().compile("x > 1 && y")
        let v = try p.evaluate(CELActivation(["x": .int(5)], unknownNames: ["y"]))
        guard case .unknown = v else { return XCTFail("got \(v)") }
        let w = try p.evaluate(CELActivation(["x": .int(0)], unknownNames: ["y"]))
        guard case .bool(false) = w else { return XCTFail("got \(w)") }
    }

    func testTimeZoneNamesAreValidated() {
        assertValue("timestamp('2009-02-13T23:31:30Z').getHours('Asia/Kathmandu')", .int(5))
        assertErrorValue("timestamp('2009-02-13T23:31:30Z').getHours('../../etc/passwd')", contains: "invalid time zone")
        assertErrorValue("timestamp('2009-02-13T23:31:30Z').getHours('Mars/Olympus')", contains: "invalid time zone")
    }

    func testOverflowIsAnError() {
        assertErrorValue("9223372036854775807 + 1", contains: "overflow")
        assertErrorValue("-9223372036854775808 - 1", contains: "overflow")
        assertErrorValue("0u - 1u", contains: "overflow")
        assertErrorValue("-9223372036854775808 / -1", contains: "overflow")
        assertErrorValue("timestamp('9999-12-31T23:59:59Z') + duration('1s')", contains: "overflow")
    }

    func testRegexSemantics() {
        assertValue("'hello world'.matches('o w')", .bool(true))
        assertValue("'hello'.matches('^h.*o$')", .bool(true))
        assertValue("'hello\\nworld'.matches('^world$')", .bool(false))
        assertValue("'hello\\nworld'.matches('(?m)^world$')", .bool(true))
        assertValue("'HeLLo'.matches('(?i)hello')", .bool(true))
        assertValue("'abc123'.matches('^[a-z]+\\\\d+$')", .bool(true))
        assertValue("'a.b'.matches('a\\\\.b')", .bool(true))
        assertValue("'axb'.matches('a\\\\.b')", .bool(false))
        assertValue("'日本語'.matches('^.{3}$')", .bool(true))
        assertValue("'x'.matches('[[:alpha:]]')", .bool(true))
        assertValue("'Ωmega'.matches('^\\\\p{Greek}')", .bool(true))
        assertValue("'word boundary'.matches('\\\\bboundary\\\\b')", .bool(true))
        assertValue("'Ωmega1'.matches('^\\\\p{L}+\\\\p{N}$')", .bool(true))
        assertValue("'abc'.matches('\\\\P{L}')", .bool(false))
        assertValue("'Straße'.matches('(?i)^STRASSE$')", .bool(false))
        assertValue("'ÉCOLE'.matches('(?i)^école$')", .bool(true))
        // leftmost-first, as RE2/Go: the first alternative wins, lazy stops early
        assertValue("'abcd'.find('b|bc')", .string("b"))
        assertValue("'abcd'.find('bc|b')", .string("bc"))
        assertValue("'aaa'.find('a+?')", .string("a"))
        assertValue("'aaa'.find('a+')", .string("aaa"))
        assertValue("'xyz'.find('a')", .string(""))
        assertValue("'a1b22c333'.findAll('[0-9]+')", .list([.string("1"), .string("22"), .string("333")]))
        assertValue("'a1b22c333'.findAll('[0-9]+', 2)", .list([.string("1"), .string("22")]))
        assertValue("'abc'.findAll('')", .list([.string(""), .string(""), .string(""), .string("")]))
        // Go's FindAllString: an empty match right after a match is dropped.
        assertValue("'abc'.findAll('a*')", .list([.string("a"), .string(""), .string("")]))
        assertValue("'aXbbXc'.findAll('X|b*')", .list([.string(""), .string("X"), .string("bb"), .string("X"), .string("")]))
        assertErrorValue("'a'.matches('(a')", contains: "invalid regular expression")
        assertErrorValue("'a'.matches('(a)\\\\1')", contains: "backreferences")
        assertErrorValue("'a'.matches('a**')", contains: "nested repetition")
        assertErrorValue("'a'.matches('(?=a)')", contains: "invalid regular expression")
    }

    func testKubernetesListLibrary() {
        assertValue("[1, 2, 3].isSorted()", .bool(true))
        assertValue("['b', 'a'].isSorted()", .bool(false))
        assertValue("[1, 2, 3].sum()", .int(6))
        assertValue("[1.5, 2.5].sum()", .double(4))
        assertValue("[].sum()", .int(0))
        assertValue("[3, 1, 2].min()", .int(1))
        assertValue("[3, 1, 2].max()", .int(3))
        assertErrorValue("[].min()", contains: "empty")
        assertValue("[1, 2, 3, 2].indexOf(2)", .int(1))
        assertValue("[1, 2, 3, 2].lastIndexOf(2)", .int(3))
        assertValue("[1, 2].indexOf(5)", .int(-1))
    }

    func testKubernetesQuantitySemverURLLibraries() {
        assertValue("quantity('500m').isLessThan(quantity('1'))", .bool(true))
        assertValue("quantity('1Gi').compareTo(quantity('1024Mi'))", .int(0))
        assertValue("quantity('2k').asInteger()", .int(2000))
        assertValue("quantity('1.5').isInteger()", .bool(false))
        assertValue("quantity('1e3').asApproximateFloat()", .double(1000))
        assertValue("quantity('100Mi').add(quantity('28Mi')) == quantity('128Mi')", .bool(true))
        assertValue("quantity('1').sub(1).sign()", .int(0))
        assertValue("isQuantity('12Zi')", .bool(false))
        assertErrorValue("quantity('abc')", contains: "invalid quantity")
        assertValue("semver('1.2.3-alpha.1').isLessThan(semver('1.2.3'))", .bool(true))
        assertValue("semver('1.10.0').isGreaterThan(semver('1.9.9'))", .bool(true))
        assertValue("semver('2.0.0+build.5').major()", .int(2))
        assertValue("isSemver('1.2')", .bool(false))
        assertValue("isSemver('01.2.3')", .bool(false))
        assertValue("url('https://user@example.com:8443/a%20b?x=1&x=2&y=').getHostname()", .string("example.com"))
        assertValue("url('https://example.com:8443/a').getPort()", .string("8443"))
        assertValue("url('https://[::1]:80/').getHostname()", .string("::1"))
        assertValue("url('https://example.com/p?x=1&x=2&y=').getQuery()", .map(CELMap(strings: [("x", .list([.string("1"), .string("2")])), ("y", .list([.string("")]))])))
        assertValue("url('/just/a/path').getEscapedPath()", .string("/just/a/path"))
        assertValue("isURL('not a url')", .bool(false))
        assertValue("type(url('https://a')) == kubernetes.URL", .bool(true))
        assertValue("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')", .bool(true))
        assertValue("ip('::1').isLoopback() && ip('10.0.0.1').family() == 4", .bool(true))
    }

    func testBindAndBlockExtensions() {
        assertValue("cel.bind(x, 'ab', x + x + x)", .string("ababab"))
        assertValue("cel.block([1, cel.index(0) + 1, cel.index(1) * 10], cel.index(2))", .int(20))
        assertValue("cel.block([[1, 2, 3]], cel.index(0).exists(cel.iterVar(0, 0), cel.iterVar(0, 0) == 3))", .bool(true))
    }

    func testDoubleToStringFollowsGoPercentG() {
        assertValue("string(123456.0)", .string("123456"))
        assertValue("string(1000000.0)", .string("1e+06"))
        assertValue("string(1234567.5)", .string("1.2345675e+06"))
        assertValue("string(0.0001)", .string("0.0001"))
        assertValue("string(0.00001)", .string("1e-05"))
        assertValue("string(-0.0)", .string("-0"))
        assertValue("string(double('Infinity'))", .string("+Inf"))
        assertValue("'%s'.format([1000000.0])", .string("1000000"))
    }

    func testStringFormatting() {
        assertValue("'%s has %d containers (%.1f%%)'.format(['web', 2, 66.666])", .string("web has 2 containers (66.7%)"))
        assertValue("'%x'.format([255])", .string("ff"))
        assertErrorValue("'%s %s'.format(['a'])", contains: "index 1 out of range")
    }

    func testJSONLikeConversion() {
        let v = CELValue.fromJSONLike(["a": [1, 2.5, "x", true, nil] as [Any?], "b": ["c": NSNull()]] as [String: Any])
        assertValue("v.a[0] == 1 && v.a[1] == 2.5 && v.a[2] == 'x' && v.a[3] && v.a[4] == null && size(v.b) == 1", .bool(true), ["v": v])
    }

    func testFoundationJSONNumbersKeepTheirKind() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"a": 1, "b": true, "c": 2.5, "d": 0, "e": false}"#.utf8))
        let v = CELValue.fromJSONLike(parsed)
        assertValue("type(v.a) == int && type(v.b) == bool && type(v.c) == double && v.d == 0 && v.e == false", .bool(true), ["v": v])
    }

    func testCustomFunction() throws {
        let env = CELEnvironment(functions: ["double_it": CELFunction(name: "double_it") { args in
            guard case .int(let i)? = args.first else { return .error(CELError(.noMatchingOverload, "no such overload")) }
            return .int(i * 2)
        }])
        let v = try env.compile("double_it(21)").evaluate(CELActivation())
        guard case .int(42) = v else { return XCTFail("got \(v)") }
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Int64] = [:]
    func set(_ i: Int, _ v: Int64) { lock.lock(); values[i] = v; lock.unlock() }
    func get(_ i: Int) -> Int64? { lock.lock(); defer { lock.unlock() }; return values[i] }
}
