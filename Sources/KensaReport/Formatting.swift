import Foundation
import KensaCore

/// Shared by the JSON-based writers: one encoder configuration, so every JSON output has sorted
/// keys, two-space indentation, unescaped slashes (purls and paths stay readable) and a final
/// newline.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = collapseEmptyContainers(try encoder.encode(value))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Foundation pretty-prints an empty array as `[`, a blank line and an indented `]`; this
    /// writes `[]` (and `{}`) instead. Safe on encoder output: inside a JSON string a newline
    /// is always escaped, so a bracket followed by two raw newlines is never string content.
    static func collapseEmptyContainers(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{"),
               index + 2 < bytes.count, bytes[index + 1] == newline, bytes[index + 2] == newline {
                var end = index + 3
                while end < bytes.count, bytes[end] == space { end += 1 }
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if end < bytes.count, bytes[end] == close {
                    out += [byte, close]
                    index = end + 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return Data(out)
    }
}

enum Timestamp {
    /// `2024-01-01T00:00:00Z`: UTC, whole seconds (the form SPDX 2.3 requires and CycloneDX
    /// accepts). Fractions are dropped rather than rounded so a second never moves forward.
    static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 253_402_300_800 else {  // year 9999
            return "1970-01-01T00:00:00Z"
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: seconds))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))Z"
    }
}

extension Package {
    /// A total order over everything a writer shows, so that output never depends on the order
    /// the scan happened to produce (`Package.<` alone leaves ties).
    var writerSortKey: [String] {
        [ecosystem.rawValue, name, version, location.path, architecture ?? "", purl.description,
         location.layerDigest ?? "", location.diffID ?? "", foundBy, sourceName ?? "",
         sourceVersion ?? "", licenses.joined(separator: "\u{0}"),
         dependsOn.sorted().joined(separator: "\u{0}"), isDev ? "1" : "0"]
    }
}

enum Ordering {
    static func packages(_ packages: [Package]) -> [Package] {
        packages.sorted { $0.writerSortKey.lexicographicallyPrecedes($1.writerSortKey) }
    }

    static func warnings(_ warnings: [ScanWarning]) -> [ScanWarning] {
        Array(Set(warnings)).sorted()
    }
}
