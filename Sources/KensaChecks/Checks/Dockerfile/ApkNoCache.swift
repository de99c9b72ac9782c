import KensaCore

let dfApkNoCache = Check(
    id: "KNS-DF-006", title: "apk add without --no-cache", severity: .low, family: .dockerfile,
    references: [],
    remediation: "Use apk add --no-cache so the package index is not kept in the layer.",
    triggering: ["FROM alpine:3.20\nRUN apk update && apk add curl\n"],
    nonTriggering: ["FROM alpine:3.20\nRUN apk add --no-cache curl\n", "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n"],
    rule: dockerRule { d in
        runInstructions(d).compactMap { ins in
            let adds = shellCommands(ins.commandText).filter { $0.count >= 2 && $0[0] == "apk" && $0.contains("add") }
            guard adds.contains(where: { !$0.contains("--no-cache") }), !ins.commandText.contains("/var/cache/apk") else { return nil }
            return hit(ins, "apk add keeps its package index in the layer")
        }
    })
