import KensaCore

func dockerRule(_ body: @escaping @Sendable (Dockerfile) -> [CheckHit]) -> Check.Rule { .dockerfile(body) }

func hit(_ ins: DockerInstruction, _ message: String) -> CheckHit {
    CheckHit(message: message, startLine: ins.startLine, endLine: ins.endLine)
}

/// Every RUN instruction of every stage.
func runInstructions(_ d: Dockerfile) -> [DockerInstruction] {
    d.stages.flatMap { $0.instructions.filter { $0.keyword == "RUN" } }
}

/// The simple commands of a shell text, split at `&&`, `||`, `;`, `|` and newlines (on UTF-8
/// bytes: every separator is ASCII).
func shellCommands(_ text: String) -> [[String]] {
    var out: [[String]] = []
    let bytes = Array(text.utf8)
    var start = 0
    var i = 0
    while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: ";") || c == 0x0A || c == UInt8(ascii: "|") || (c == UInt8(ascii: "&") && i + 1 < bytes.count && bytes[i + 1] == c) {
            out.append(DockerfileParser.shellWords(String(decoding: bytes[start..<i], as: UTF8.self)))
            if (c == UInt8(ascii: "&") || c == UInt8(ascii: "|")) && i + 1 < bytes.count && bytes[i + 1] == c { i += 1 }
            start = i + 1
        }
        i += 1
    }
    out.append(DockerfileParser.shellWords(String(decoding: bytes[start...], as: UTF8.self)))
    // `DEBIAN_FRONTEND=noninteractive apt-get …`: leading assignments are not the command.
    return out.map { words in Array(words.drop { w in w.contains("=") && !w.hasPrefix("-") && w.first?.isLetter == true }) }
        .filter { !$0.isEmpty }
}
