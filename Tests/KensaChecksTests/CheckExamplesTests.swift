import Foundation
import KensaCore
import XCTest
@testable import KensaChecks

/// Every check's triggering examples must produce a hit of that check, and its
/// non-triggering examples none: a check cannot ship without working examples.
final class CheckExamplesTests: XCTestCase {
    func hits(_ check: Check, _ text: String) throws -> [Finding] {
        let scanner = ConfigScanner(checks: [check])
        if check.isImageCheck {
            let image = try JSONDecoder().decode(ImageMetadata.self, from: Data(text.utf8))
            return scanner.scan(image: image, path: "image")
        }
        if check.isDockerfileCheck {
            return scanner.scan(dockerfile: try DockerfileParser.parse(text, path: "Dockerfile"))
        }
        return scanner.scan(objects: try KubeReader.read(text, path: "example.yaml"))
    }

    func testEveryCheckHasExamplesThatBehave() throws {
        for check in allChecks {
            XCTAssertFalse(check.triggering.isEmpty, "\(check.id) has no triggering example")
            XCTAssertFalse(check.nonTriggering.isEmpty, "\(check.id) has no non-triggering example")
            for (i, text) in check.triggering.enumerated() {
                let found = try hits(check, text)
                XCTAssertFalse(found.isEmpty, "\(check.id) triggering example \(i) did not trigger:\n\(text)")
                XCTAssertTrue(found.allSatisfy { $0.id == check.id && ($0.location.startLine != nil || check.isImageCheck) })
            }
            for (i, text) in check.nonTriggering.enumerated() {
                let found = try hits(check, text)
                XCTAssertTrue(found.isEmpty, "\(check.id) non-triggering example \(i) triggered: \(found.map(\.message))\n\(text)")
            }
        }
    }

    func testIDsAreUniqueAndOrdered() {
        let ids = allChecks.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for family in Check.Family.allCases {
            let inFamily = allChecks.filter { $0.family == family }.map(\.id)
            XCTAssertEqual(inFamily, inFamily.sorted(), family.rawValue)
        }
    }

    /// Every PSS container-level control has an example in a container, an init container
    /// and an ephemeral container (acceptance 1).
    func testContainerLevelPSSControlsTriggerInEveryPlace() throws {
        let containerLevel = ["KNS-PSS-001", "KNS-PSS-003", "KNS-PSS-004", "KNS-PSS-006", "KNS-PSS-007", "KNS-PSS-008",
                              "KNS-PSS-009", "KNS-PSS-010", "KNS-PSS-013", "KNS-PSS-014", "KNS-PSS-015", "KNS-PSS-016", "KNS-PSS-017"]
        for id in containerLevel {
            let check = try XCTUnwrap(allChecks.first { $0.id == id })
            var places: Set<String> = []
            for text in check.triggering {
                for f in try hits(check, text) {
                    for list in ["containers", "initContainers", "ephemeralContainers"] where f.location.fieldPath?.contains(".\(list)[") == true {
                        places.insert(list)
                    }
                }
            }
            XCTAssertEqual(places, ["containers", "initContainers", "ephemeralContainers"], id)
        }
    }
}
