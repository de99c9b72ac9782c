// Hostile expressions and inputs must stop with a typed error at a limit (issue 9,
// acceptance 3). How long they take is measured by the CELBenchmarks target, not here.

import XCTest
@testable import KensaCEL

final class SafetyTests: XCTestCase {
    func compileError(_ text: String, limits: CELLimits = CELLimits(), file: StaticString = #filePath, line: UInt = #line) -> CELProgramError? {
        do {
            _ = try CELEnvironment(limits: limits).compile(text)
            XCTFail("expected a compile error for \(text.prefix(60))", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func evalError(_ text: String, _ vars: [String: CELValue] = [:], limits: CELLimits = CELLimits(), file: StaticString = #filePath, line: UInt = #line) -> CELProgramError? {
        do {
            let p = try CELEnvironment(limits: limits).compile(text)
            let v = try p.evaluate(CELActivation(vars))
            XCTFail("expected a limit error, got \(v)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testDeeplyNestedParenthesesHitTheDepthLimit() {
        let text = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertEqual(compileError(text), .nestingTooDeep(limit: 128))
    }

    func testDeeplyNestedListsMapsAndCallsHitTheDepthLimit() {
        XCTAssertEqual(compileError(String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)), .nestingTooDeep(limit: 128))
        XCTAssertEqual(compileError(String(repeating: "{1:", count: 3000) + "1" + String(repeating: "}", count: 3000)), .nestingTooDeep(limit: 128))
        XCTAssertEqual(compileError(String(repeating: "size(", count: 3000) + "'a'" + String(repeating: ")", count: 3000)), .nestingTooDeep(limit: 128))
    }

    func testLongOperatorChainsHitTheDepthLimit() {
        XCTAssertEqual(compileError(String(repeating: "!", count: 50_000) + "true"), .nestingTooDeep(limit: 128))
        XCTAssertEqual(compileError(String(repeating: "-", count: 50_000) + "1"), .nestingTooDeep(limit: 128))
        XCTAssertEqual(compileError("a" + String(repeating: ".b", count: 20_000)), .nestingTooDeep(limit: 128))
        XCTAssertEqual(compileError(Array(repeating: "1", count: 5000).joined(separator: " + ")), .nestingTooDeep(limit: 128))
    }

    func testLongLogicalChainsAreBalancedAndEvaluate() throws {
        // 4096 operands of && make a balanced tree of depth 13, well inside the limit.
        let text = Array(repeating: "x", count: 4096).joined(separator: " && ")
        let v = try CELEnvironment().compile(text).evaluate(CELActivation(["x": .bool(true)]))
        guard case .bool(true) = v else { return XCTFail("got \(v)") }
    }

    func testOversizedExpressionIsRejected() {
        let text = String(repeating: "1 + ", count: 30_000) + "1"
        XCTAssertEqual(compileError(text), .expressionTooLong(length: text.utf8.count, limit: 100_000))
    }

    func testExponentialMacrosHitTheCostLimit() {
        let ten = "[0,1,2,3,4,5,6,7,8,9]"
        var text = "true"
        for v in ["a", "b", "c", "d", "e", "f", "g", "h"] { text = "\(ten).all(\(v), \(text))" }
        XCTAssertEqual(evalError(text), .costLimitExceeded(limit: 1_000_000))

        var mapText = "0"
        for v in ["a", "b", "c", "d", "e", "f", "g", "h"] { mapText = "\(ten).map(\(v), \(mapText))" }
        XCTAssertEqual(evalError(mapText), .costLimitExceeded(limit: 1_000_000))
    }

    func testCostLimitIsNotAbsorbedByLogicalOperators() {
        let ten = "[0,1,2,3,4,5,6,7,8,9]"
        var text = "false"
        for v in ["a", "b", "c", "d", "e", "f", "g", "h"] { text = "\(ten).exists(\(v), \(text))" }
        // `|| true` would absorb an ordinary error; a spent budget must still stop evaluation.
        XCTAssertEqual(evalError("\(text) || true"), .costLimitExceeded(limit: 1_000_000))
        XCTAssertEqual(evalError("true && \(text)"), .costLimitExceeded(limit: 1_000_000))
    }

    func testHugeStringsHitTheSizeOrCostLimit() {
        var text = "'aaaaaaaaaa'"
        for _ in 0..<8 { text = "\(text).replace('a', 'aaaaaaaaaa')" }
        let err = evalError(text)
        XCTAssertTrue(err == .valueTooLarge(limit: 10_000_000) || err == .costLimitExceeded(limit: 1_000_000), "got \(String(describing: err))")

        // Doubling 30 times through cel.bind: the first concatenation past 10 MB stops.
        var concat = "size(x30)"
        for i in stride(from: 30, to: 0, by: -1) {
            let prev = i == 1 ? "s" : "x\(i - 1)"
            concat = "cel.bind(x\(i), \(prev) + \(prev), \(concat))"
        }
        let e2 = evalError(concat, ["s": .string(String(repeating: "x", count: 1000))])
        XCTAssertTrue(e2 == .valueTooLarge(limit: 10_000_000) || e2 == .costLimitExceeded(limit: 1_000_000), "got \(String(describing: e2))")
    }

    func testSmallBudgetStopsEarly() {
        let limits = CELLimits(costBudget: 100)
        XCTAssertEqual(evalError("[1,2,3,4,5,6,7,8,9,10].map(x, [1,2,3,4,5,6,7,8,9,10].map(y, x * y))", limits: limits), .costLimitExceeded(limit: 100))
    }

    func testCatastrophicRegexesRunInLinearTime() throws {
        // Exponential for a backtracking engine; linear for the Pike VM.
        let input = String(repeating: "a", count: 20_000) + "!"
        let env = CELEnvironment()
        for pattern in ["(a+)+$", "(a|a)*b", "^(a*)*$", "^(a|aa)+$", "(.*a){20}$"] {
            let v = try env.compile("s.matches('\(pattern)')").evaluate(CELActivation(["s": .string(input)]))
            guard case .bool(false) = v else { return XCTFail("\(pattern): got \(v)") }
        }
    }

    func testManyUnicodeClassesCompileOnce() throws {
        let pattern = String(repeating: "\\\\pL", count: 300)
        let v = try CELEnvironment().compile("s.matches('\(pattern)')").evaluate(CELActivation(["s": .string(String(repeating: "é", count: 300))]))
        guard case .bool(true) = v else { return XCTFail("got \(v)") }
    }

    func testRegexProgramSizeIsBounded() throws {
        let v = try CELEnvironment().compile("'a'.matches('((a{1000}){1000}){1000}')").evaluate(CELActivation())
        guard case .error(let e) = v else { return XCTFail("got \(v)") }
        XCTAssertTrue(e.message.contains("too large") || e.message.contains("repeat"), e.message)
    }

    func testRegexOnHugeInputIsCharged() {
        let big = String(repeating: "ab", count: 2_000_000)
        let limits = CELLimits(costBudget: 10_000)
        XCTAssertEqual(evalError("s.matches('(a|b)*c')", ["s": .string(big)], limits: limits), .costLimitExceeded(limit: 10_000))
    }

    func testInputSizeAndDepthLimits() throws {
        var deep = CELValue.int(1)
        for _ in 0..<300 { deep = .list([deep]) }
        XCTAssertThrowsError(try CELActivation(["x": deep]).validate(CELLimits())) { e in
            XCTAssertEqual(e as? CELProgramError, .inputTooLarge(name: "x", limit: 256))
        }
        let wide = CELValue.list(Array(repeating: .string("0123456789"), count: 1000))
        XCTAssertThrowsError(try CELActivation(["y": wide]).validate(CELLimits(maxInputSize: 5000))) { e in
            XCTAssertEqual(e as? CELProgramError, .inputTooLarge(name: "y", limit: 5000))
        }
        XCTAssertNoThrow(try CELActivation(["y": wide]).validate(CELLimits()))
    }

    func testTruncatedAndMalformedExpressionsAreSyntaxErrors() {
        let bad = [
            "1 +", "[1, 2", "{1: }", "'unterminated", "\"\"\"open", "a.", "a[", "f(1,", "(", ")", "1 ? 2", "1 ? 2 :",
            "'\\q'", "'\\x4'", "'\\u12'", "b'\\u0041'", "0x", "1e", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616u", "if", "x = 1", "a && || b", "`a`", "1..2", "'\\uD800'",
            "has(a)", "[1].all(1, true)", "[1].map(x.y, x)", "\u{0}", "a # b", "1 2", "a.b.`c d",
        ]
        for text in bad {
            do {
                _ = try CELEnvironment().compile(text)
                XCTFail("expected a syntax error for \(text.debugDescription)")
            } catch {
                guard case .syntax(let e) = error else { XCTFail("\(text.debugDescription): \(error)"); continue }
                XCTAssertGreaterThanOrEqual(e.line, 1)
                XCTAssertGreaterThanOrEqual(e.column, 1)
            }
        }
    }

    func testRandomBytesNeverCrashTheParser() {
        var rng = SplitMix(seed: 42)
        let alphabet = Array("()[]{}.,:?!-+*/%<>=&|'\"`\\abcxyz0123456789 \n_rbu".utf8)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 40)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            if let p = try? CELEnvironment().compile(text) {
                _ = try? p.evaluate(CELActivation())
            }
        }
    }

    func testSyntaxErrorReportsPosition() {
        do {
            _ = try CELEnvironment().compile("a &&\n  b +")
            XCTFail("expected an error")
        } catch {
            guard case .syntax(let e) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 2)
            XCTAssertEqual(e.column, 6)
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
