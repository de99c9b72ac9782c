import KensaCore

func dockerRule(_ body: @escaping @Sendable (Dockerfile) -> [CheckHit]) -> Check.Rule { .dockerfile(body) }

func hit(_ ins: DockerInstruction, _ message: String) -> CheckHit {
    CheckHit(message: message, startLine: ins.startLine, endLine: ins.endLine)
}

/// Every RUN instruction of every stage.
func runInstructions(_ d: Dockerfile) -> [DockerInstruction] {
    d.stages.flatMap { $0.instructions.filter { $0.keyword == "RUN" } }
}

/// The simple commands of a shell text, split at `&&`, `||`, `;`, `|` and newlines.
func shellCommands(_ text: String) -> [[String]] {
    var out: [[String]] = []
    var current = ""
    var chars = Array(text)[...]
    while let c = chars.first {
        chars = chars.dropFirst()
        if c == ";" || c == "\n" || c == "|" || (c == "&" && chars.first == "&") {
            if c == "&" || (c == "|" && chars.first == "|") { chars = chars.dropFirst() }
            out.append(DockerfileParser.shellWords(current)); current = ""
        } else {
            current.append(c)
        }
    }
    out.append(DockerfileParser.shellWords(current))
    // `DEBIAN_FRONTEND=noninteractive apt-get …`: leading assignments are not the command.
    return out.map { words in Array(words.drop { w in w.contains("=") && !w.hasPrefix("-") && w.first?.isLetter == true }) }
        .filter { !$0.isEmpty }
}
