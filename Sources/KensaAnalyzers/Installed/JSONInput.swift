import Foundation
import KensaCore

extension AnalyzerInput {
    /// The file parsed as JSON (Foundation's parser, which bounds nesting depth), with errors
    /// turned into `malformed` naming the file.
    func jsonObject(limit: Int = InstalledLimits.metadata) throws -> Any {
        try requireSize(atMost: limit)
        do {
            return try JSONSerialization.jsonObject(with: content, options: [.fragmentsAllowed])
        } catch {
            throw KensaError(.malformed, input: path, reason: "invalid JSON: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return ns.localizedDescription
    }
}

enum JSONValue {
    /// A non-empty string, or nil.
    static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }
}
