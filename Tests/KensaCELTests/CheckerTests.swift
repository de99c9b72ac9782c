// Checked mode's type checker: what it rejects, what it lets through (dyn), what it infers.

import XCTest
@testable import KensaCEL

final class CheckerTests: XCTestCase {
    let env = CELEnvironment(declaredVariables: ["object", "n"], variableTypes: ["n": .int])

    func testRejectsExpressionsThatCanNeverEvaluate() {
        for text in [
            "'a' + 1", "size(true)", "1.field", "'cows' ? 1 : 2", "[1, 2].all(x, x)", "{1.5: 1}", "!0",
            "true && 'x'", "n + 1u", "n.spec", "'a' < 1", "1 in 2", "[1][true]", "timestamp('2020-01-01T00:00:00Z') + 1",
            "'abc'.startsWith(1)", "3.filter(x, true)", "n.getHours()", "[1, 2].map(x, x * 2.0)",
        ] {
            XCTAssertThrowsError(try env.compile(text), text) { e in
                guard case .typeError = e as? CELProgramError else { return XCTFail("\(text): \(e)") }
            }
        }
    }

    func testLetsDynamicExpressionsThrough() {
        for text in [
            "object.spec.replicas + 1 > 2", "object.metadata.labels['app'] == 'web'", "object.x.all(c, c.y)",
            "object.a < object.b", "1 == 'a'", "dyn(1) + 1", "object.items.map(i, i.name).size() > 0",
            "has(object.spec) ? object.spec : {}", "n * 2 == 4", "[1, 'a'].size() == 2",
        ] {
            XCTAssertNoThrow(try env.compile(text), text)
        }
    }

    func testInfersResultTypes() throws {
        let cases: [(String, CELStaticType)] = [
            ("[1, 2]", .list(.int)), ("{'a': 1}", .map(.string, .int)), ("[1, 'a']", .list(.dyn)),
            ("object.spec.replicas > 1", .bool), ("n + 1", .int), ("object.x", .dyn),
            ("[1.0, 2.0].map(x, x * 2.0 > 1.0)", .list(.bool)), ("[1, 2].filter(x, x > 1)", .list(.int)),
            ("string(n)", .string), ("optional.of(1)", .optional(.int)), ("[[], [1]]", .list(.list(.int))), ("[]", .list(.dyn)), ("[optional.none(), optional.of(2u)]", .list(.optional(.uint))), ("{'a': {'b': 1}}.?a", .optional(.map(.string, .int))),
            ("timestamp('2020-01-01T00:00:00Z') - timestamp('2019-01-01T00:00:00Z')", .duration),
        ]
        for (text, type) in cases {
            XCTAssertEqual(try env.compile(text).resultType, type, text)
        }
        XCTAssertEqual(try CELEnvironment().compile("[1]").resultType, .dyn, "dynamic mode does not check")
    }
}
