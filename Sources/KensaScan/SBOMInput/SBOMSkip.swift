import KensaCore

/// Why an element did not become a package (a warning in the report, never fatal).
enum SBOMSkip: Error, Equatable {
    case noPURL
    case unreadablePURL(String)
    case unsupportedType(String)
    case noVersion
}

extension SBOMReader {
    /// Adds "skipped" warnings, at most `maxWarningsPerReason` per reason, then a count.
    static func skipWarnings(_ skipped: [(element: String, reason: String)], input: String) -> [ScanWarning] {
        var byReason: [String: [String]] = [:]
        for item in skipped { byReason[item.reason, default: []].append(item.element) }
        var warnings: [ScanWarning] = []
        for (reason, elements) in byReason {
            let sorted = elements.sorted()
            for element in sorted.prefix(maxWarningsPerReason) {
                warnings.append(ScanWarning(path: input, reason: "\(element): \(reason); skipped"))
            }
            if sorted.count > maxWarningsPerReason {
                warnings.append(ScanWarning(path: input, reason: "\(sorted.count - maxWarningsPerReason) more elements: \(reason); skipped"))
            }
        }
        return warnings
    }

    static func reason(_ skip: SBOMSkip) -> String {
        switch skip {
        case .noPURL: return "no package URL (purl)"
        case .unreadablePURL(let text): return "unreadable purl \(text)"
        case .unsupportedType(let type): return "purl type '\(type)' is not a package ecosystem kensa knows"
        case .noVersion: return "no version"
        }
    }
}
