import KensaCore

let dfRunsAsRoot = Check(
    id: "KNS-DF-001", title: "Image runs as root", severity: .high, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.1"), CheckReference("NSA/CISA", "Non-root containers")],
    remediation: "Add a USER instruction with a non-root user to the final stage.",
    triggering: ["FROM alpine:3.20\nRUN apk add curl\n", "FROM alpine:3.20\nUSER app\nUSER root\n", "FROM alpine:3.20 AS b\nUSER 1000\nFROM b\nUSER 0:0\n"],
    nonTriggering: ["FROM alpine:3.20\nUSER 10001\n", "FROM alpine:3.20\nARG U=app\nUSER ${U}\n", "FROM alpine:3.20 AS build\nFROM scratch\nCOPY --from=build /x /x\nUSER 65532\n"],
    rule: dockerRule { d in
        guard let final = d.finalStage else { return [] }
        if let user = final.instructions.last(where: { $0.keyword == "USER" }) {
            let name = user.arguments.split(separator: ":").first.map(String.init) ?? ""
            return name == "root" || name == "0" ? [hit(user, "the final stage's last USER is \(user.arguments)")] : []
        }
        // A stage built FROM an earlier stage inherits that stage's USER.
        if final.baseIsStage, let base = d.stages.first(where: { $0.name?.lowercased() == final.baseImage.lowercased() }),
           base.instructions.contains(where: { $0.keyword == "USER" }) { return [] }
        return [hit(final.from, "the final stage sets no USER, so the container runs as root")]
    })
