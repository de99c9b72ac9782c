import KensaCore

private let secretWords = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIALS"]

let dfSecretsInEnv = Check(
    id: "KNS-DF-008", title: "Secret in ENV or ARG", severity: .high, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.10")],
    remediation: "Pass secrets at build time with RUN --mount=type=secret and at run time from the orchestrator.",
    triggering: ["FROM alpine:3.20\nENV DB_PASSWORD=hunter2\n", "FROM alpine:3.20\nARG GITHUB_TOKEN=ghp_abc\n", "FROM alpine:3.20\nENV API_KEY abc123\n"],
    nonTriggering: ["FROM alpine:3.20\nARG GITHUB_TOKEN\n", "FROM alpine:3.20\nENV PASSWORD_FILE=/run/secrets/db\n", "FROM alpine:3.20\nENV TOKEN=$TOKEN\n"],
    rule: dockerRule { d in
        d.stages.flatMap(\.instructions).flatMap { ins -> [CheckHit] in
            guard ins.keyword == "ENV" || ins.keyword == "ARG" else { return [] }
            return DockerfileParser.assignments(ins.arguments, arg: ins.keyword == "ARG").compactMap { key, value in
                let k = key.uppercased()
                guard let value, !value.isEmpty, !value.hasPrefix("$"), !value.hasPrefix("/"),
                      !k.hasSuffix("_FILE"), !k.hasSuffix("_PATH"), !k.hasSuffix("_DIR"),
                      secretWords.contains(where: { k.contains($0) }) else { return nil }
                return hit(ins, "\(ins.keyword) \(key) holds a literal value that looks like a secret")
            }
        }
    })
