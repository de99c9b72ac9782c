import KensaCore

let dfAddURL = Check(
    id: "KNS-DF-003", title: "ADD of a remote URL", severity: .low, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.9")],
    remediation: "Download with curl or wget in a RUN (and verify a checksum), or use ADD --checksum.",
    triggering: ["FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\n"],
    nonTriggering: ["FROM alpine:3.20\nADD tool.tgz /opt/\n", "FROM alpine:3.20\nADD --checksum=sha256:00 https://example.com/t.tgz /opt/\n"],
    rule: dockerRule { d in
        d.stages.flatMap(\.instructions).compactMap { ins in
            guard ins.keyword == "ADD", !ins.flags.contains(where: { $0.hasPrefix("checksum=") }) else { return nil }
            let words = ins.jsonArguments ?? DockerfileParser.shellWords(ins.arguments)
            guard let url = words.dropLast().first(where: { $0.hasPrefix("http://") || $0.hasPrefix("https://") }) else { return nil }
            return hit(ins, "ADD fetches \(url) without a checksum")
        }
    })
