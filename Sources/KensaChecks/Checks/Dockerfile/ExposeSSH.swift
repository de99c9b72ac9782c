import KensaCore

let dfExposeSSH = Check(
    id: "KNS-DF-010", title: "SSH port exposed", severity: .medium, family: .dockerfile,
    references: [],
    remediation: "Do not run an SSH server in a container; use kubectl exec or docker exec.",
    triggering: ["FROM alpine:3.20\nEXPOSE 22\n", "FROM alpine:3.20\nARG P=22\nEXPOSE 80 ${P}/tcp\n"],
    nonTriggering: ["FROM alpine:3.20\nEXPOSE 2222 8022\n"],
    rule: dockerRule { d in
        d.stages.flatMap(\.instructions).compactMap { ins in
            guard ins.keyword == "EXPOSE" else { return nil }
            let ports = ins.arguments.split(whereSeparator: \.isWhitespace).map { $0.split(separator: "/").first.map(String.init) ?? "" }
            return ports.contains("22") ? hit(ins, "EXPOSE 22 (SSH)") : nil
        }
    })
