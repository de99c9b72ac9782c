import KensaCore

let dfPipeToShell = Check(
    id: "KNS-DF-004", title: "Download piped to a shell", severity: .high, family: .dockerfile,
    references: [],
    remediation: "Download to a file, verify its checksum or signature, then run it.",
    triggering: ["FROM alpine:3.20\nRUN curl -fsSL https://get.example.sh | sh\n", "FROM alpine:3.20\nRUN wget -qO- https://x.example/i | bash -s -- -y\n",
                 "FROM alpine:3.20\nRUN <<EOF\ncurl https://x.example/i |\\\n  sudo sh\nEOF\n"],
    nonTriggering: ["FROM alpine:3.20\nRUN curl -fsSLo i.sh https://x.example/i && sha256sum -c sums && sh i.sh\n", "FROM alpine:3.20\nRUN curl https://x | tar xz\n"],
    rule: dockerRule { d in
        runInstructions(d).compactMap { ins in
            let text = ins.commandText.replacingOccurrences(of: "\\\n", with: " ")
            let stages = text.split(separator: "|", omittingEmptySubsequences: false)
            guard stages.count > 1 else { return nil }
            for i in 1..<stages.count {
                let before = DockerfileParser.shellWords(String(stages[i - 1]))
                var after = DockerfileParser.shellWords(String(stages[i]))
                if after.first == "sudo" { after.removeFirst() }
                let downloads = before.contains { $0 == "curl" || $0 == "wget" || $0.hasSuffix("/curl") || $0.hasSuffix("/wget") }
                if downloads, let sh = after.first, ["sh", "bash", "zsh", "ash", "dash", "python", "python3"].contains((sh as NSStringLike).lastPathComponent) {
                    return hit(ins, "the output of a download is piped into \(sh)")
                }
            }
            return nil
        }
    })

/// Path helper without Foundation's NSString.
private typealias NSStringLike = String
private extension String {
    var lastPathComponent: String { split(separator: "/").last.map(String.init) ?? self }
}
