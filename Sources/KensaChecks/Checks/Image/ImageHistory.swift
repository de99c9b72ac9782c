import KensaCore

let imgHistoryPipeToShell = Check(
    id: "KNS-IMG-003", title: "Image built by piping a download into a shell", severity: .medium, family: .image,
    references: [],
    remediation: "Rebuild with the download verified (checksum or signature) before it runs.",
    triggering: [imageExample(user: "1", history: ["/bin/sh -c #(nop) ADD file:abc in /", "/bin/sh -c curl -fsSL https://get.example | sh"])],
    nonTriggering: [imageExample(user: "1", history: ["/bin/sh -c curl -fsSLo /tmp/i.sh https://get.example && sha256sum -c /tmp/sums"])],
    rule: .image { image in
        historyCommands(image).compactMap { i, command in
            let stages = command.split(separator: "|")
            guard stages.count > 1 else { return nil }
            for j in 1..<stages.count {
                let before = DockerfileParser.shellWords(String(stages[j - 1]))
                var after = DockerfileParser.shellWords(String(stages[j]))
                if after.first == "sudo" { after.removeFirst() }
                if before.contains(where: { $0 == "curl" || $0 == "wget" }),
                   let sh = after.first, ["sh", "bash", "/bin/sh", "/bin/bash", "zsh", "ash", "dash"].contains(sh) {
                    return CheckHit(message: "history entry \(i) pipes a download into \(sh)", startLine: i, endLine: i)
                }
            }
            return nil
        }
    })
