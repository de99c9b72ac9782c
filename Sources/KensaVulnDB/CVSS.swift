import Foundation
import KensaCore

/// CVSS base scores from vector strings, by the FIRST specifications: v3.0 and v3.1
/// (https://www.first.org/cvss/v3-1/specification-document, section 7) and v4.0
/// (https://www.first.org/cvss/v4-0/specification-document, section 8: macro vectors and
/// interpolation). Written here because no package on this machine scores CVSS.
public enum CVSS {
    /// The base score of a `CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…` vector; nil when the
    /// vector is not one of those or is malformed.
    public static func score(_ vector: String) -> Double? {
        if vector.hasPrefix("CVSS:3.0/") || vector.hasPrefix("CVSS:3.1/") { return v3(vector) }
        if vector.hasPrefix("CVSS:4.0/") { return v4(vector) }
        return nil
    }

    /// Qualitative rating (both specifications use the same bands). A score of 0.0 rates
    /// "None", which kensa's five levels do not have: it is reported as unknown.
    public static func severity(_ score: Double) -> Severity {
        switch score {
        case 9.0...: return .critical
        case 7.0..<9.0: return .high
        case 4.0..<7.0: return .medium
        case 0.1..<4.0: return .low
        default: return .unknown
        }
    }

    /// `KEY:VALUE` pairs after the prefix; nil on a duplicate key, an empty part or more
    /// than 64 parts (no valid vector has that many).
    static func metrics(_ vector: String) -> [String: String]? {
        let parts = vector.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard parts.count <= 64 else { return nil }
        var out: [String: String] = [:]
        for part in parts {
            let kv = part.split(separator: ":", omittingEmptySubsequences: false)
            guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty, out[String(kv[0])] == nil else { return nil }
            out[String(kv[0])] = String(kv[1])
        }
        return out
    }

    // MARK: v3

    static func v3(_ vector: String) -> Double? {
        guard let m = metrics(vector) else { return nil }
        let isV31 = vector.hasPrefix("CVSS:3.1/")
        guard let av = ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][m["AV"] ?? ""],
              let ac = ["L": 0.77, "H": 0.44][m["AC"] ?? ""],
              let ui = ["N": 0.85, "R": 0.62][m["UI"] ?? ""],
              let scope = m["S"], scope == "U" || scope == "C",
              let c = ["H": 0.56, "L": 0.22, "N": 0.0][m["C"] ?? ""],
              let i = ["H": 0.56, "L": 0.22, "N": 0.0][m["I"] ?? ""],
              let a = ["H": 0.56, "L": 0.22, "N": 0.0][m["A"] ?? ""] else { return nil }
        let changed = scope == "C"
        let prValues = changed ? ["N": 0.85, "L": 0.68, "H": 0.5] : ["N": 0.85, "L": 0.62, "H": 0.27]
        guard let pr = prValues[m["PR"] ?? ""] else { return nil }
        let iss = 1 - (1 - c) * (1 - i) * (1 - a)
        let impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
        let exploitability = 8.22 * av * ac * pr * ui
        guard impact > 0 else { return 0 }
        let raw = changed ? min(1.08 * (impact + exploitability), 10) : min(impact + exploitability, 10)
        return isV31 ? roundUp31(raw) : (raw * 10).rounded(.up) / 10
    }

    /// v3.1's Roundup (Appendix A): the smallest one-decimal number ≥ the input, computed on
    /// integers so that floating-point noise (4.000000000000001) does not round up.
    static func roundUp31(_ value: Double) -> Double {
        let integer = Int((value * 100_000).rounded())
        if integer % 10_000 == 0 { return Double(integer) / 100_000 }
        return Double(integer / 10_000 + 1) / 10
    }

    // MARK: v4

    static let v4Values: [String: Set<String>] = [
        "AV": ["N", "A", "L", "P"], "AC": ["L", "H"], "AT": ["N", "P"], "PR": ["N", "L", "H"],
        "UI": ["N", "P", "A"], "VC": ["H", "L", "N"], "VI": ["H", "L", "N"], "VA": ["H", "L", "N"],
        "SC": ["H", "L", "N"], "SI": ["H", "L", "N"], "SA": ["H", "L", "N"],
    ]
    static let v4Optional: [String: Set<String>] = [
        "E": ["X", "A", "P", "U"], "CR": ["X", "H", "M", "L"], "IR": ["X", "H", "M", "L"], "AR": ["X", "H", "M", "L"],
        "MAV": ["X", "N", "A", "L", "P"], "MAC": ["X", "L", "H"], "MAT": ["X", "N", "P"], "MPR": ["X", "N", "L", "H"],
        "MUI": ["X", "N", "P", "A"], "MVC": ["X", "H", "L", "N"], "MVI": ["X", "H", "L", "N"], "MVA": ["X", "H", "L", "N"],
        "MSC": ["X", "H", "L", "N"], "MSI": ["X", "S", "H", "L", "N"], "MSA": ["X", "S", "H", "L", "N"],
        "S": ["X", "N", "P"], "AU": ["X", "N", "Y"], "R": ["X", "A", "U", "I"], "V": ["X", "D", "C"],
        "RE": ["X", "L", "M", "H"], "U": ["X", "Clear", "Green", "Amber", "Red"],
    ]

    static func v4(_ vector: String) -> Double? {
        guard let raw = metrics(vector) else { return nil }
        for (key, allowed) in v4Values {
            guard let value = raw[key], allowed.contains(value) else { return nil }
        }
        for (key, value) in raw where v4Values[key] == nil {
            guard let allowed = v4Optional[key], allowed.contains(value) else { return nil }
        }
        // The effective value: threat and requirement metrics default to their worst case,
        // a modified (environmental) metric replaces its base metric.
        func m(_ key: String) -> String {
            let selected = raw[key] ?? "X"
            switch (key, selected) {
            case ("E", "X"): return "A"
            case ("CR", "X"), ("IR", "X"), ("AR", "X"): return "H"
            default: break
            }
            if let modified = raw["M" + key], modified != "X" { return modified }
            return selected
        }
        if ["VC", "VI", "VA", "SC", "SI", "SA"].allSatisfy({ m($0) == "N" }) { return 0 }

        let eq1: Int
        if m("AV") == "N" && m("PR") == "N" && m("UI") == "N" { eq1 = 0 }
        else if (m("AV") == "N" || m("PR") == "N" || m("UI") == "N") && m("AV") != "P" { eq1 = 1 }
        else { eq1 = 2 }
        let eq2 = m("AC") == "L" && m("AT") == "N" ? 0 : 1
        let eq3: Int
        if m("VC") == "H" && m("VI") == "H" { eq3 = 0 }
        else if m("VC") == "H" || m("VI") == "H" || m("VA") == "H" { eq3 = 1 }
        else { eq3 = 2 }
        let eq4: Int
        if m("MSI") == "S" || m("MSA") == "S" { eq4 = 0 }
        else if m("SC") == "H" || m("SI") == "H" || m("SA") == "H" { eq4 = 1 }
        else { eq4 = 2 }
        let eq5 = ["A": 0, "P": 1, "U": 2][m("E")] ?? 0
        let eq6 = (m("CR") == "H" && m("VC") == "H") || (m("IR") == "H" && m("VI") == "H")
            || (m("AR") == "H" && m("VA") == "H") ? 0 : 1

        func key(_ e: [Int]) -> String { e.map(String.init).joined() }
        let eqs = [eq1, eq2, eq3, eq4, eq5, eq6]
        guard var value = CVSS4Tables.macroVectorScores[key(eqs)] else { return nil }

        func lower(_ change: [Int: Int]) -> Double? {
            var e = eqs
            for (index, delta) in change { e[index] += delta }
            return CVSS4Tables.macroVectorScores[key(e)]
        }
        let lowerEQ1 = lower([0: 1]), lowerEQ2 = lower([1: 1]), lowerEQ4 = lower([3: 1]), lowerEQ5 = lower([4: 1])
        let lowerEQ3EQ6: Double?
        switch (eq3, eq6) {
        case (1, 1), (0, 1): lowerEQ3EQ6 = lower([2: 1])
        case (1, 0): lowerEQ3EQ6 = lower([5: 1])
        case (0, 0):
            let left = lower([5: 1]), right = lower([2: 1])
            if let l = left, let r = right { lowerEQ3EQ6 = l > r ? l : r } else { lowerEQ3EQ6 = left ?? right }
        default: lowerEQ3EQ6 = lower([2: 1, 5: 1])
        }

        // Severity distance of this vector from the first highest-severity vector of its
        // macro vector that it does not exceed in any metric.
        let maxima = CVSS4Tables.maxima(eq1: eq1, eq2: eq2, eq3: eq3, eq6: eq6, eq4: eq4, eq5: eq5)
        var distance: [String: Int] = [:]
        for candidate in maxima {
            distance = [:]
            for (metric, levels) in CVSS4Tables.levels {
                distance[metric] = (levels[m(metric)] ?? 0) - (levels[candidate[metric] ?? ""] ?? 0)
            }
            if distance.values.allSatisfy({ $0 >= 0 }) { break }
        }
        func sum(_ names: [String]) -> Double { Double(names.reduce(0) { $0 + (distance[$1] ?? 0) }) }
        let current: [(lower: Double?, distance: Double, depth: Double)] = [
            (lowerEQ1, sum(["AV", "PR", "UI"]), Double(CVSS4Tables.depthEQ1[eq1])),
            (lowerEQ2, sum(["AC", "AT"]), Double(CVSS4Tables.depthEQ2[eq2])),
            (lowerEQ3EQ6, sum(["VC", "VI", "VA", "CR", "IR", "AR"]), Double(CVSS4Tables.depthEQ3EQ6(eq3, eq6))),
            (lowerEQ4, sum(["SC", "SI", "SA"]), Double(CVSS4Tables.depthEQ4[eq4])),
            // EQ5's distance is always 0, but an existing lower macro vector still counts.
            (lowerEQ5, 0, 1),
        ]
        var total = 0.0
        var count = 0
        for entry in current {
            guard let lower = entry.lower else { continue }
            count += 1
            total += (value - lower) * (entry.distance / entry.depth)
        }
        if count > 0 { value -= total / Double(count) }
        value = min(max(value, 0), 10)
        return ((value * 10) + 0.5 + 1e-9).rounded(.down) / 10
    }
}

/// Fact tables of the CVSS v4.0 specification (section 8 and its reference calculator's data).
enum CVSS4Tables {
    /// Score of each macro vector (EQ1…EQ6 digits), the expert-ranked table of the specification.
    static let macroVectorScores: [String: Double] = [
        "000000": 10, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2,
        "000100": 10, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1,
        "000200": 9.3, "000201": 9, "000210": 8.9, "000211": 8, "000220": 8.1, "000221": 6.8,
        "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9, "001021": 8.4,
        "001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5,
        "001200": 8.8, "001201": 8, "001210": 7.8, "001211": 7, "001220": 6.9, "001221": 4.8,
        "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5,
        "002201": 6.9, "002211": 5.5, "002221": 2.7, "010000": 9.9, "010001": 9.7, "010010": 9.5,
        "010011": 9.2, "010020": 9.2, "010021": 8.5, "010100": 9.5, "010101": 9.1, "010110": 9,
        "010111": 8.3, "010120": 8.4, "010121": 7.1, "010200": 9.2, "010201": 8.1, "010210": 8.2,
        "010211": 7.1, "010220": 7.2, "010221": 5.3, "011000": 9.5, "011001": 9.3, "011010": 9.2,
        "011011": 8.5, "011020": 8.5, "011021": 7.3, "011100": 9.2, "011101": 8.2, "011110": 8,
        "011111": 7.2, "011120": 7, "011121": 5.9, "011200": 8.4, "011201": 7, "011210": 7.1,
        "011211": 5.2, "011220": 5, "011221": 3, "012001": 8.6, "012011": 7.5, "012021": 5.2,
        "012101": 7.1, "012111": 5.2, "012121": 2.9, "012201": 6.3, "012211": 2.9, "012221": 1.7,
        "100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1,
        "100100": 9.4, "100101": 8.9, "100110": 8.6, "100111": 7.4, "100120": 7.7, "100121": 6.4,
        "100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
        "101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7,
        "101100": 8.6, "101101": 7.6, "101110": 7.4, "101111": 5.8, "101120": 5.9, "101121": 5,
        "101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
        "102001": 8.3, "102011": 7, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6,
        "102201": 5.3, "102211": 2.1, "102221": 1.3, "110000": 9.5, "110001": 9, "110010": 8.8,
        "110011": 7.6, "110020": 7.6, "110021": 7, "110100": 9, "110101": 7.7, "110110": 7.5,
        "110111": 6.2, "110120": 6.1, "110121": 5.3, "110200": 7.7, "110201": 6.6, "110210": 6.8,
        "110211": 5.9, "110220": 5.2, "110221": 3, "111000": 8.9, "111001": 7.8, "111010": 7.6,
        "111011": 6.7, "111020": 6.2, "111021": 5.8, "111100": 7.4, "111101": 5.9, "111110": 5.7,
        "111111": 5.7, "111120": 4.7, "111121": 2.3, "111200": 6.1, "111201": 5.2, "111210": 5.7,
        "111211": 2.9, "111220": 2.4, "111221": 1.6, "112001": 7.1, "112011": 5.9, "112021": 3,
        "112101": 5.8, "112111": 2.6, "112121": 1.5, "112201": 2.3, "112211": 1.3, "112221": 0.6,
        "200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8,
        "200100": 8.6, "200101": 7.4, "200110": 7.4, "200111": 6.1, "200120": 5.6, "200121": 3.4,
        "200200": 7, "200201": 5.4, "200210": 5.2, "200211": 4, "200220": 4, "200221": 2.2,
        "201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1,
        "201100": 7.2, "201101": 5.7, "201110": 5.5, "201111": 4.1, "201120": 4.6, "201121": 1.9,
        "201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
        "202001": 6.4, "202011": 5.1, "202021": 2, "202101": 4.7, "202111": 2.1, "202121": 1.1,
        "202201": 2.4, "202211": 0.9, "202221": 0.4, "210000": 8.8, "210001": 7.5, "210010": 7.3,
        "210011": 5.3, "210020": 6, "210021": 5, "210100": 7.3, "210101": 5.5, "210110": 5.9,
        "210111": 4, "210120": 4.1, "210121": 2, "210200": 5.4, "210201": 4.3, "210210": 4.5,
        "210211": 2.2, "210220": 2, "210221": 1.1, "211000": 7.5, "211001": 5.5, "211010": 5.8,
        "211011": 4.5, "211020": 4, "211021": 2.1, "211100": 6.1, "211101": 5.1, "211110": 4.8,
        "211111": 1.8, "211120": 2, "211121": 0.9, "211200": 4.6, "211201": 1.8, "211210": 1.7,
        "211211": 0.7, "211220": 0.8, "211221": 0.2, "212001": 5.3, "212011": 2.4, "212021": 1.4,
        "212101": 2.4, "212111": 1.2, "212121": 0.5, "212201": 1, "212211": 0.3, "212221": 0.1,
    ]

    /// Severity levels used for the distance within a macro vector (lower is more severe).
    static let levels: [String: [String: Int]] = [
        "AV": ["N": 0, "A": 1, "L": 2, "P": 3], "PR": ["N": 0, "L": 1, "H": 2], "UI": ["N": 0, "P": 1, "A": 2],
        "AC": ["L": 0, "H": 1], "AT": ["N": 0, "P": 1],
        "VC": ["H": 0, "L": 1, "N": 2], "VI": ["H": 0, "L": 1, "N": 2], "VA": ["H": 0, "L": 1, "N": 2],
        "SC": ["H": 1, "L": 2, "N": 3], "SI": ["S": 0, "H": 1, "L": 2, "N": 3], "SA": ["S": 0, "H": 1, "L": 2, "N": 3],
        "CR": ["H": 0, "M": 1, "L": 2], "IR": ["H": 0, "M": 1, "L": 2], "AR": ["H": 0, "M": 1, "L": 2],
    ]

    /// Depth of each macro vector (its largest severity distance plus one), per EQ.
    static let depthEQ1 = [1, 4, 5]
    static let depthEQ2 = [1, 2]
    static let depthEQ4 = [6, 5, 4]
    static func depthEQ3EQ6(_ eq3: Int, _ eq6: Int) -> Int {
        switch (eq3, eq6) {
        case (0, 0): return 7
        case (0, _): return 6
        case (1, _): return 8
        default: return 10
        }
    }

    /// The highest-severity vectors of each EQ level, combined in order.
    static func maxima(eq1: Int, eq2: Int, eq3: Int, eq6: Int, eq4: Int, eq5: Int) -> [[String: String]] {
        let e1: [[String]] = [[["N", "N", "N"]], [["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]],
                              [["P", "N", "N"], ["A", "L", "P"]]][eq1].map { $0 }
        let e2: [[String]] = [[["L", "N"]], [["H", "N"], ["L", "P"]]][eq2]
        let e36: [[String]]
        switch (eq3, eq6) {
        case (0, 0): e36 = [["H", "H", "H", "H", "H", "H"]]
        case (0, _): e36 = [["H", "H", "L", "M", "M", "H"], ["H", "H", "H", "M", "M", "M"]]
        case (1, 0): e36 = [["L", "H", "H", "H", "H", "H"], ["H", "L", "H", "H", "H", "H"]]
        case (1, _): e36 = [["L", "H", "L", "H", "M", "H"], ["L", "H", "H", "H", "M", "M"], ["H", "L", "H", "M", "H", "M"],
                            ["H", "L", "L", "M", "H", "H"], ["L", "L", "H", "H", "H", "M"]]
        default: e36 = [["L", "L", "L", "H", "H", "H"]]
        }
        let e4: [String] = [["H", "S", "S"], ["H", "H", "H"], ["L", "L", "L"]][eq4]
        _ = eq5
        var out: [[String: String]] = []
        for a in e1 {
            for b in e2 {
                for c in e36 {
                    out.append(["AV": a[0], "PR": a[1], "UI": a[2], "AC": b[0], "AT": b[1],
                                "VC": c[0], "VI": c[1], "VA": c[2], "CR": c[3], "IR": c[4], "AR": c[5],
                                "SC": e4[0], "SI": e4[1], "SA": e4[2]])
                }
            }
        }
        return out
    }
}
